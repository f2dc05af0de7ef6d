#!/usr/bin/env node
// `node bench/profile.mjs <dir> [top] [last-seconds] [busiest]`: the hottest functions of each V8 CPU profile in <dir> (written by
// `npm run bench -- --profile`), by self time, so a scenario's hot path can be read without a
// browser. With `busiest`, the window of that many seconds where the process was busiest after
// its first 15 s (the start-up) instead of the last ones (a scenario's teardown can outlast its
// load window). Open a .cpuprofile in
// Chrome DevTools for the full picture.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/profile.mjs <profile dir>');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
// Optional: only the last N seconds of each profile (the load, without the start-up).
const last = Number(process.argv[4] ?? 0);
const busiest = process.argv[5] === 'busiest';
const STARTUP_US = 15e6;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const dt = new Map();
  // Sample i took timeDeltas[i] microseconds, spent in node samples[i] (self time).
  const span = prof.timeDeltas.reduce((a, b) => a + b, 0);
  const idleIds = new Set(
    prof.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const [from, to] = last ? windowOf(prof, idleIds, span, last * 1e6) : [0, span];
  let at = 0;
  prof.samples.forEach((id, i) => {
    at += prof.timeDeltas[i] ?? 0;
    if (at < from || at > to) return;
    dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  const total = [...dt.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map();
  let idle = 0;
  for (const node of prof.nodes) {
    const t = dt.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += t;
      continue;
    }
    const where = url
      ? `${url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  const busy = total - idle;
  // Also by where the code lives: a package of node_modules, Parley's dist, or Node itself.
  const byPlace = new Map();
  for (const node of prof.nodes) {
    const t = dt.get(node.id) ?? 0;
    const { url, functionName } = node.callFrame;
    if (functionName === '(idle)') continue;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const place =
      pkg ??
      /\/dist\/(apps|libs)\/([^/]+)/.exec(url)?.slice(1).join('/') ??
      (url.startsWith('node:') ? 'node' : functionName || '(native)');
    byPlace.set(place, (byPlace.get(place) ?? 0) + t);
  }
  console.log(`\n${file}: ${(busy / 1e6).toFixed(2)} s busy of ${(total / 1e6).toFixed(2)} s`);
  for (const [key, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((t / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log('  by place:');
  for (const [key, t] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${((t / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}

/** [from, to] in µs of the profile: its last `width`, or with `busiest` the busiest `width`. */
function windowOf(prof, idleIds, span, width) {
  if (!busiest) return [span - width, span];
  // Two pointers over the samples: the busy time of each window ending at a sample.
  const times = [];
  let at = 0;
  prof.samples.forEach((id, i) => {
    at += prof.timeDeltas[i] ?? 0;
    times.push([at, idleIds.has(id) ? 0 : (prof.timeDeltas[i] ?? 0)]);
  });
  let best = [span - width, span];
  let bestBusy = -1;
  let busy = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    busy += times[end][1];
    while (times[start][0] < times[end][0] - width) busy -= times[start++][1];
    if (times[end][0] - width >= STARTUP_US && busy > bestBusy) {
      bestBusy = busy;
      best = [times[end][0] - width, times[end][0]];
    }
  }
  return best;
}
