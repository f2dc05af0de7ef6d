import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds dist/ for the platforms the tests start, once per Jest run: the global setups of both e2e
 * projects run in the same process, and rebuilding under a running platform would replace its files.
 */
export function buildOnce(): void {
  if (process.env.PARLEY_E2E_BUILT) return;
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  process.env.PARLEY_E2E_BUILT = '1';
}
