// HTTP load: `concurrency` lanes, each sending its next request as soon as the last answered
// (closed loop) or, with `perSecond`, on a fixed schedule (open loop), for `durationMs` after `warmupMs`. Lane i uses requests[i % requests.length] (with
// `rotate`, the next of them each time); "$n" in a
// path or body becomes a number unique in this run (for muids).
import { workerConfig } from '../lib/config.mjs';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { newHistogram, summary } from '../lib/histogram.mjs';

const cfg = workerConfig();
// `origins` (several gateways): lane i sends to origins[i % n].
const origins = cfg.origins ?? [cfg.origin];
const pools = origins.map(
  (o) =>
    new Pool(new URL(o), {
      connections: Math.ceil(cfg.concurrency / origins.length),
      pipelining: 1,
    }),
);
const histogram = newHistogram();
let n = 0;
let count = 0;
let errors = 0;
let firstError;
const start = Date.now();
const measureFrom = start + (cfg.warmupMs ?? 0);
const end = measureFrom + cfg.durationMs;

// "$n": a number unique in this run; "$t" (quoted): the send time, ms since the epoch.
const fill = (s) =>
  s
    .replaceAll('$n', () => String(n++))
    .replaceAll('"$t"', () => String(performance.timeOrigin + performance.now()));

async function lane(i) {
  for (let k = 0; Date.now() < end; k++) {
    if (cfg.perSecond) {
      // Open loop: lane i sends at its share of the rate, whether or not answers keep up.
      const due = start + ((k * cfg.concurrency + i) / cfg.perSecond) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (Date.now() >= end) break;
    }
    // Each lane keeps its request, or with `rotate` walks through them all.
    const r = cfg.requests[(cfg.rotate ? i + k * cfg.concurrency : i) % cfg.requests.length];
    const body = r.body === undefined ? undefined : JSON.stringify(r.body);
    const t0 = process.hrtime.bigint();
    let ok = false;
    try {
      const res = await pools[i % pools.length].request({
        method: r.method ?? 'GET',
        path: fill(r.path),
        headers: { 'content-type': 'application/json', ...r.headers },
        body: body === undefined ? undefined : fill(body),
      });
      const text = await res.body.text();
      ok = res.statusCode < 300;
      if (!ok && !firstError) firstError = `${res.statusCode} ${text.slice(0, 200)}`;
    } catch (err) {
      if (!firstError) firstError = err.message;
    }
    const t1 = process.hrtime.bigint();
    if (Date.now() >= measureFrom && Date.now() <= end) {
      if (ok) {
        count++;
        histogram.recordValue(Number((t1 - t0) / 1000n));
      } else errors++;
    }
  }
}

await Promise.all(Array.from({ length: cfg.concurrency }, (_, i) => lane(i)));
await Promise.all(pools.map((p) => p.close()));
const seconds = cfg.durationMs / 1000;
console.log(
  JSON.stringify({ count, errors, firstError, perSecond: count / seconds, ...summary(histogram) }),
);
