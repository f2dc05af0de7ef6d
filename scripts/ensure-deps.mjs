// Installs the locked dependencies when node_modules is missing or older than package-lock.json,
// so `npm start` and `npm test` work as the first commands on a fresh clone.
import { execSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mtime = (p) => {
  try {
    return statSync(path.join(root, p)).mtimeMs;
  } catch {
    return 0;
  }
};

export function ensureDeps() {
  if (mtime('node_modules/.package-lock.json') >= mtime('package-lock.json')) return;
  console.log('parley: installing dependencies (npm ci)');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDeps();
