// Publishes `total` copies of `frame` on core NATS, cycling over `subjects`, as fast as NATS takes
// them (flushing every 500) or at `perSecond`. With `stamp`, each copy carries its publish time
// in body.data.metadata.benchSentAt (ms since the epoch) for latency.
import { workerConfig } from '../lib/config.mjs';
import { TextEncoder } from 'node:util';
import { performance } from 'node:perf_hooks';
import { connect } from 'nats';

const cfg = workerConfig();
const nc = await connect({ servers: cfg.natsUrl });
const encoder = new TextEncoder();
const fixed = encoder.encode(JSON.stringify(cfg.frame));
const t0 = performance.now();
for (let i = 0; i < cfg.total; i++) {
  let bytes = fixed;
  if (cfg.stamp) {
    const frame = structuredClone(cfg.frame);
    frame.body.data.metadata = { benchSentAt: performance.timeOrigin + performance.now() };
    bytes = encoder.encode(JSON.stringify(frame));
  }
  nc.publish(cfg.subjects[i % cfg.subjects.length], bytes);
  if (cfg.perSecond) {
    const due = t0 + ((i + 1) / cfg.perSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  } else if (i % 500 === 499) await nc.flush();
}
await nc.flush();
await nc.close();
console.log(JSON.stringify({ published: cfg.total, ms: performance.now() - t0 }));
