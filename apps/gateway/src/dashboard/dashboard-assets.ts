import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One file of the dashboard, read once at boot. */
export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  /** A strong validator of the content, so browsers revalidate cheaply (304). */
  etag: string;
}

/** What the dashboard is made of; a file of any other kind is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The built dashboard (`dist/apps/gateway/web`, made by scripts/build.mjs from apps/gateway/web):
 * beside the compiled `dashboard/` folder. Absent when the gateway runs from its TypeScript sources.
 */
export const DASHBOARD_DIR = path.resolve(__dirname, '..', 'web');

/**
 * Reads every servable file of `dir` (one level, no sub-folders) into memory: the pages are a few
 * kilobytes, and a fixed table of names leaves no path for a request to wander out of the folder.
 */
export function loadDashboardAssets(dir: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  if (!existsSync(dir)) return assets;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[path.extname(entry.name)];
    if (!entry.isFile() || !contentType) continue;
    const body = readFileSync(path.join(dir, entry.name));
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
    assets.set(entry.name, { body, contentType, etag: `"${hash}"` });
  }
  return assets;
}
