// A worker's config travels as JSON in argv[2], or, when it is too long for one argument (the
// kernel caps each at 128 KiB: P1's 1,000 logins), in a file whose path is argv[2].
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MAX_ARG = 100_000;

/** The argument that carries `config` to a worker. */
export function configArg(config) {
  const json = JSON.stringify(config);
  if (json.length <= MAX_ARG) return json;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-bench-cfg-')), 'config.json');
  writeFileSync(file, json);
  return file;
}

/** In a worker: its config. */
export function workerConfig() {
  const arg = process.argv[2];
  return JSON.parse(arg.startsWith('{') ? arg : readFileSync(arg, 'utf8'));
}
