#!/usr/bin/env node
// `npm run bench [-- <scenario>...] [--rounds N] [--seconds S]`: Parley's benchmarks (docs/benchmarks.md).
// Builds, starts the platform as separate processes on the real NATS, PostgreSQL and Redis (the
// *_URL variables, else the local servers), then runs each scenario's baseline and Parley
// interleaved (baseline, Parley, baseline, Parley, ...) for N rounds, prints the medians and their
// ratios, and writes bench/results/<time>.json and bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectorUrlIn } from './lib/inspector.mjs';
import { medianOf, round } from './lib/stats.mjs';
import { Parley } from './lib/parley.mjs';
import { SCENARIOS } from './scenarios/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);
const { startPlatform } = require('../scripts/platform.js');

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : dflt;
};
const profile = args.includes('--profile') && !!args.splice(args.indexOf('--profile'), 1);
const installProsody =
  args.includes('--install-prosody') && !!args.splice(args.indexOf('--install-prosody'), 1);
// --replicas messaging=3,gateway=2: more processes of a service (queue groups share the work;
// scenarios that load one gateway spread over every gateway where they say so).
const replicas = (() => {
  const i = args.indexOf('--replicas');
  if (i < 0) return undefined;
  const spec = args.splice(i, 2)[1] ?? '';
  return Object.fromEntries(
    spec.split(',').map((kv) => {
      const [name, n] = kv.split('=');
      return [name, Number(n)];
    }),
  );
})();
const rounds = flag('rounds', 3);
const seconds = flag('seconds', 5);
const wanted = args.length ? args.map((a) => a.toUpperCase()) : SCENARIOS.map((s) => s.id);
const unknown = wanted.filter((id) => !SCENARIOS.some((s) => s.id === id));
if (unknown.length) {
  console.error(
    `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
  );
  process.exit(2);
}

const databaseUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_bench';
const adminKey = randomBytes(24).toString('hex');
const env = {
  DATABASE_URL: databaseUrl,
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  PARLEY_ADMIN_KEY: adminKey,
  PARLEY_JWT_SECRET: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
};

const nodeArgs = [];
// --profile: every service writes a V8 CPU profile when it stops (bench/profile.mjs reads them).
const profileDir = path.join(
  here,
  'results',
  'profiles',
  new Date().toISOString().replace(/[:.]/g, '-'),
);
if (profile) {
  mkdirSync(profileDir, { recursive: true });
  nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
}
// M1 collects the garbage of the processes it weighs through their inspector (bench/lib/inspector.mjs).
if (wanted.includes('M1')) nodeArgs.push('--inspect=127.0.0.1:0');

console.log('bench: building');
execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const logDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
console.log(`bench: starting the platform (logs in ${logDir})`);
const platform = await startPlatform({ env, randomPorts: true, logDir, nodeArgs, replicas });
// With replicas, `name` is the first of them (`gateway-1`).
const pidOf = (name) =>
  platform.processes.find((p) => p.name === name || p.name === `${name}-1`)?.pid;
const ctx = {
  root,
  env,
  databaseUrl,
  seconds,
  gateway: platform.gatewayUrls[0],
  gateways: platform.gatewayUrls,
  parley: new Parley(platform.gatewayUrls[0], adminKey),
  pids: {
    all: platform.processes.map((p) => p.pid),
    names: platform.processes.map((p) => p.name),
    of: pidOf,
  },
  /** The inspector URL of a service (when started with one: M1), from its log. */
  inspectorOf: (name) => {
    const proc = platform.processes.find((p) => p.name === name || p.name === `${name}-1`);
    if (!proc) return undefined;
    return inspectorUrlIn(readFileSync(path.join(logDir, `${proc.name}.log`), 'utf8'));
  },
  installProsody,
};

const results = [];
try {
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    if (scenario.available && !scenario.available(ctx)) {
      console.log(`bench: ${scenario.id} skipped: ${scenario.unavailable}`);
      results.push({
        id: scenario.id,
        title: scenario.title,
        skipped: scenario.unavailable,
        checks: [],
      });
      continue;
    }
    console.log(`bench: ${scenario.id} ${scenario.title}: setting up`);
    try {
      const state = await scenario.setup(ctx);
      const runs = { baseline: [], parley: [] };
      try {
        for (let r = 1; r <= rounds; r++) {
          runs.baseline.push(await scenario.baseline(ctx, state));
          runs.parley.push(await scenario.parley(ctx, state));
          console.log(
            `bench: ${scenario.id} round ${r}/${rounds}: baseline ${JSON.stringify(runs.baseline.at(-1))}; parley ${JSON.stringify(runs.parley.at(-1))}`,
          );
        }
      } finally {
        await scenario.teardown?.(ctx, state);
      }
      const baseline = medianOf(runs.baseline);
      const parley = medianOf(runs.parley);
      const checks = scenario.targets(baseline, parley);
      if (scenario.id === 'T2') ctx.t2Rate = parley.perSecond; // L1 runs at half of it
      results.push({ id: scenario.id, title: scenario.title, baseline, parley, checks, runs });
    } catch (err) {
      // One scenario failing is reported; the others still run.
      console.log(`bench: ${scenario.id} FAILED: ${err.message}`);
      results.push({ id: scenario.id, title: scenario.title, failed: err.message, checks: [] });
    }
  }
} finally {
  await platform.stop();
}

// ----- report ----------------------------------------------------------------------------------
const rows = results.flatMap((r) =>
  r.failed || r.skipped
    ? [[r.id, r.failed ? `FAILED: ${r.failed}` : `skipped: ${r.skipped}`, '', '', '', '', 'NO']]
    : r.checks.map((c) => [
        r.id,
        c.what,
        round(c.baseline),
        round(c.parley),
        round(c.value),
        c.target,
        c.met ? 'yes' : 'NO',
      ]),
);
const header = ['id', 'measure', 'baseline', 'parley', 'value', 'target', 'met'];
const widths = header.map((h, i) =>
  Math.max(h.length, ...rows.map((row) => String(row[i]).length)),
);
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
for (const row of rows) console.log(line(row));

const machine = {
  cpus: os.cpus().length,
  model: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
const out = { at: new Date().toISOString(), rounds, seconds, machine, results };
mkdirSync(path.join(here, 'results'), { recursive: true });
const stamp = out.at.replace(/[:.]/g, '-');
writeFileSync(path.join(here, 'results', `${stamp}.json`), `${JSON.stringify(out, null, 2)}\n`);
writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
// The same table as Markdown, for docs/benchmarks.md.
const md = [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');
writeFileSync(path.join(here, 'results', 'latest.md'), `${md}\n`);
console.log(`\nbench: results in bench/results/${stamp}.json`);
if (profile)
  console.log(
    `bench: CPU profiles in ${profileDir} (node bench/profile.mjs ${path.relative(root, profileDir)})`,
  );
