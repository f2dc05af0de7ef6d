import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the deployment checks (compose.spec.ts, k8s.spec.ts) share. */

export const root = path.resolve(__dirname, '../..');
export const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

/** Apps that have an entry point, i.e. that run as a service of their own. */
export function appsWithMain(): string[] {
  const appsDir = path.join(root, 'apps');
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'standalone')
    .filter((d) => existsSync(path.join(appsDir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

export interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());
  return logical.map((l) => {
    const [keyword, ...rest] = l.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** Instructions grouped by build stage (each starts at a FROM). */
export function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(ins);
  }
  return stages;
}
