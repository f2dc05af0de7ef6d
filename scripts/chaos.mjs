#!/usr/bin/env node
// `npm run chaos`: the long fault-injection run. Builds Parley, then runs test/e2e/chaos.e2e-spec.ts
// with PARLEY_CHAOS=full (every fault on every part, more rounds, longer load) on a platform of its
// own (private nats-server and PostgreSQL cluster, started by the test), without the shared e2e
// platform, and prints one line per round and the totals. Arguments pass through to Jest;
// PARLEY_CHAOS_ROUNDS sets the rounds per fault (2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const started = Date.now();

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

// The e2e project's transform and setup, without its global setup (the shared platform).
const e2e = require(path.join(root, 'jest.config.js')).projects.find(
  (p) => p.displayName === 'e2e',
);
const config = {
  ...e2e,
  rootDir: root,
  displayName: 'chaos',
  testMatch: ['<rootDir>/test/e2e/chaos.e2e-spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
const dir = mkdtempSync(path.join(tmpdir(), 'parley-chaos-run-'));
const results = path.join(dir, 'results.jsonl');
const jest = require.resolve('jest/bin/jest');
const run = spawnSync(
  process.execPath,
  [jest, '--ci', '--config', JSON.stringify(config), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PARLEY_CHAOS: 'full', PARLEY_CHAOS_RESULTS: results },
  },
);

let lines = [];
try {
  lines = readFileSync(results, 'utf8').trim().split('\n').filter(Boolean).map(JSON.parse);
} catch {
  // no round finished
}
rmSync(dir, { recursive: true, force: true });
const rounds = lines.filter((l) => l.fault);
const setup = lines.find((l) => l.setup)?.setup;
const sum = (key) => rounds.reduce((n, r) => n + r.report.stats[key], 0);
const failed = rounds.filter((r) => r.report.problems.length);
console.log('\nchaos: round results');
if (setup) console.log(`  private servers ${setup.serversMs} ms, platform ${setup.platformMs} ms`);
for (const r of rounds) {
  const s = r.report.stats;
  console.log(
    `  ${r.report.problems.length ? 'FAIL' : 'ok  '} ${r.fault}: ${s.acknowledged}/${s.sends} sends acknowledged, ` +
      `${s.retried} retried, ${s.duplicateSubmissions} resubmitted, ${s.filledByFetch} seqs filled by fetch, ` +
      `${s.sessions} sockets, fault ${r.faultMs} ms, round ${r.roundMs} ms`,
  );
  for (const p of r.report.problems) console.log(`       ${p}`);
}
console.log(
  `chaos: ${rounds.length} rounds, ${failed.length} failed; ${sum('acknowledged')} messages acknowledged ` +
    `(${sum('retried')} after retries, ${sum('duplicateSubmissions')} resubmitted), ` +
    `${sum('liveFrames')} live frames, ${sum('filledByFetch')} seqs filled by fetch; ` +
    `${Math.round((Date.now() - started) / 1000)} s in all`,
);
process.exit(run.status ?? 1);
