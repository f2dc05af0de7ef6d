// A process holding many WebSocket clients, driven over IPC by the runner:
//   {cmd:'connect', url, appId, logins, concurrency}  -> {sessionsPerSecond, ms, failed}
//   {cmd:'expect', total, timeoutMs, warmupMs}        -> {received, ms, perSecond, p50, p99, ...};
//                                                        with warmupMs, latencies of frames sent in
//                                                        the first warmupMs (from the first stamped
//                                                        frame received) are not recorded
//   {cmd:'send', from, frames, perSecond, durationMs} -> sends frames[i % n] over socket `from`
//                                                        at a fixed rate, stamped; {sent}
//   {cmd:'total', total}                              -> the armed expect waits for `total` now
//   {cmd:'settle', quietMs, maxMs}                    -> once no frame came for quietMs (or
//                                                        after maxMs): {ms, frames}
//   {cmd:'close'}                                     -> closes every socket, exits
// Each login authenticates with the SDK's auth frame. Frames received are counted; a frame whose
// body carries `data.metadata.benchSentAt` (ms since the epoch) adds a send->receive latency.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { newHistogram, summary } from '../lib/histogram.mjs';
import { authFrame } from '../lib/parley.mjs';

const sockets = [];
let received = 0;
let histogram = newHistogram();
let waiter;
// Frames sent before `warmedAt` (ms since the epoch, from the first stamped frame) are counted,
// their latency is not recorded.
let warmupMs = 0;
let warmedAt;

let lastFrameAt = 0;
let framesEver = 0;

function onFrame(data) {
  received++;
  framesEver++;
  lastFrameAt = performance.now();
  const text = data.toString();
  const at = text.indexOf('"benchSentAt":');
  if (at >= 0) {
    const sentAt = Number(/"benchSentAt":(\d+(\.\d+)?)/.exec(text.slice(at))?.[1]);
    if (sentAt) {
      warmedAt ??= sentAt + warmupMs;
      if (sentAt >= warmedAt)
        histogram.recordValue(
          Math.max(1, Math.round((performance.timeOrigin + performance.now() - sentAt) * 1000)),
        );
    }
  }
  if (waiter && received >= waiter.total) waiter.done();
}

function open(url, appId, login, i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => finish(false), 30_000);
    function finish(ok) {
      clearTimeout(timer);
      if (!ok) ws.terminate();
      resolve(ok);
    }
    ws.once('open', () => ws.send(JSON.stringify(authFrame(appId, login, `bench-${i}`))));
    ws.once('message', (data) => {
      const ok = /"status":"OK"/.test(data.toString());
      if (ok) {
        sockets.push(ws);
        ws.on('message', onFrame);
      }
      finish(ok);
    });
    ws.once('error', () => finish(false));
  });
}

process.on('message', async (m) => {
  const reply = (r) => process.send({ re: m.cmd, ...r });
  if (m.cmd === 'connect') {
    const t0 = performance.now();
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: Math.min(m.concurrency, m.logins.length) }, async () => {
        while (next < m.logins.length) {
          const i = next++;
          if (!(await open(m.url, m.appId, m.logins[i], i))) failed++;
        }
      }),
    );
    const ms = performance.now() - t0;
    reply({ sessionsPerSecond: ((m.logins.length - failed) / ms) * 1000, ms, failed });
  } else if (m.cmd === 'expect') {
    received = 0;
    histogram = newHistogram();
    warmupMs = m.warmupMs ?? 0;
    warmedAt = undefined;
    const t0 = performance.now();
    const result = () => {
      const ms = performance.now() - t0;
      return { received, ms, perSecond: (received / ms) * 1000, ...summary(histogram) };
    };
    const timer = setTimeout(() => {
      waiter = undefined;
      reply(result());
    }, m.timeoutMs);
    waiter = {
      total: m.total,
      done: () => {
        clearTimeout(timer);
        waiter = undefined;
        reply(result());
      },
    };
    process.send({ re: 'armed' });
  } else if (m.cmd === 'send') {
    const ws = sockets[m.from];
    const t0 = performance.now();
    let sent = 0;
    while (performance.now() - t0 < m.durationMs) {
      const frame = structuredClone(m.frames[sent % m.frames.length]);
      frame.body.data.metadata = { benchSentAt: performance.timeOrigin + performance.now() };
      ws.send(JSON.stringify(frame));
      sent++;
      const wait = t0 + (sent / m.perSecond) * 1000 - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    }
    reply({ sent });
  } else if (m.cmd === 'total') {
    if (waiter) {
      waiter.total = m.total;
      if (received >= m.total) waiter.done();
    }
    reply({});
  } else if (m.cmd === 'settle') {
    const t0 = performance.now();
    const before = framesEver;
    while (performance.now() - t0 < m.maxMs && performance.now() - lastFrameAt < m.quietMs) {
      await new Promise((r) => setTimeout(r, 50));
    }
    reply({ ms: performance.now() - t0, frames: framesEver - before });
  } else if (m.cmd === 'close') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
process.send({ re: 'ready' });
