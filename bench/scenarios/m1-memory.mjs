// M1: memory per idle authenticated socket. Each socket is its own user, a member of 2 groups,
// following presence (ALL_USERS); sockets are added in steps (5k and 10k, so that a whole
// `npm run bench` fits in about 20 minutes; BENCH_M1_SIZES=5000,10000,18000 adds the largest step
// this machine allows: a process may open 20,000 files here, so one gateway cannot hold 20k). Parley: the growth of the gateway's and presence's RSS per
// socket. Baseline: a bare `ws` server holding the same number of plain sockets.
// Targets: <= 3x and <= 30 KB per socket.
import { absolute, atMost } from '../lib/checks.mjs';
import { wsUrl } from '../lib/logins.mjs';
import { pool } from '../lib/parley.mjs';
import { collectGarbage } from '../lib/inspector.mjs';
import { rssBytes } from '../lib/proc.mjs';
import { startServer, stopServer, wsClients } from '../lib/workers.mjs';

const SIZES = (process.env.BENCH_M1_SIZES ?? '5000,10000').split(',').map(Number);
const GROUPS = 20;

/**
 * Logins per batch (BENCH_M1_BATCH): each batch's presence frames reach every open socket before
 * the next batch logs in, so the gateway's backlog (and each login's wait behind it) stays that
 * of one batch instead of growing with the whole step's N^2/2 frames.
 */
const BATCH = Number(process.env.BENCH_M1_BATCH ?? 250);
/** How long no frame must come after a batch before the next one logs in (its backlog drained). */
const BATCH_QUIET_MS = 500;

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
// BENCH_M1_HOLD_MS: hold the sockets this long after the last step (to take a heap snapshot).
const HOLD_MS = Number(process.env.BENCH_M1_HOLD_MS ?? 0);

/**
 * Adds sockets step by step, in batches of BATCH logins each followed by BATCH_QUIET_MS without a frame;
 * RSS growth per socket of `pids` at each step, once the sockets are idle: with presence on, each
 * login's frame goes to every socket already open (N^2/2 frames for N logins), so a step is
 * weighed when no frame came for 2 s, then 2 s later. Each reading (and the one before the first
 * step) follows a full garbage collection in every weighed process, through the inspector URLs
 * `inspectors`: what the sockets hold, not the garbage of the set-up and the logins.
 */
async function grow(url, appId, logins, pids, inspectors) {
  const rss = async () => {
    await Promise.all(inspectors.map(collectGarbage));
    await pause(1000);
    return pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
  };
  const clients = await wsClients();
  await pause(2000);
  const before = await rss();
  const mib = () => pids.map((pid) => Math.round(rssBytes(pid) / 2 ** 20));
  // Each process's RSS before and after each step (the gateway's first), for the log.
  const out = { rssMiBBefore: mib() };
  let connected = 0;
  let open = 0;
  for (const size of SIZES) {
    const t0 = Date.now();
    let failed = 0;
    for (let from = connected; from < size; from += BATCH) {
      const batch = logins.slice(from, Math.min(from + BATCH, size));
      const r = await clients.ask({ cmd: 'connect', url, appId, logins: batch, concurrency: 50 });
      failed += r.failed;
      await clients.ask({ cmd: 'settle', quietMs: BATCH_QUIET_MS, maxMs: 300_000 });
    }
    // A few logins timing out on a loaded machine are reported, and the rest weighed.
    if (failed > (size - connected) / 100)
      throw new Error(
        `M1: ${failed} of ${size - connected} sockets failed to authenticate (${url})`,
      );
    open += size - connected - failed;
    connected = size;
    const quiet = await clients.ask({ cmd: 'settle', quietMs: 2000, maxMs: 300_000 });
    await pause(2000);
    out[`kbPerSocket${size}`] = ((await rss()) - before) / open / 1024;
    out[`failed${size}`] = size - open;
    out[`loginSeconds${size}`] = (Date.now() - t0) / 1000;
    out[`settleSeconds${size}`] = quiet.ms / 1000;
    out[`rssMiB${size}`] = mib();
    console.log(`M1: ${open} sockets ${JSON.stringify(out)}`);
  }
  if (HOLD_MS) {
    console.log(`M1: holding ${open} sockets for ${HOLD_MS} ms (pids ${pids.join(' ')})`);
    await pause(HOLD_MS);
  }
  await clients.close();
  return out;
}

export default {
  id: 'M1',
  title: `memory per idle authenticated socket at ${SIZES.join(', ')}`,
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench M1');
    const max = Math.max(...SIZES);
    const uids = Array.from({ length: max }, (_, i) => `s${i}`);
    await ctx.parley.importUsers(app, uids);
    // Every user in 2 of the groups.
    for (let g = 0; g < GROUPS; g++) {
      const members = uids.filter((_, i) => i % GROUPS === g || (i + 1) % GROUPS === g);
      await ctx.parley.createGroup(app, `room${g}`, members);
    }
    const logins = await pool(uids, 16, (uid) => ctx.parley.login(app, uid));
    const server = await startServer('bare-ws-server', {}, { inspect: true });
    return { app, logins, server };
  },
  baseline: (ctx, s) =>
    grow(
      `ws://127.0.0.1:${s.server.info.port}`,
      s.app.appId,
      s.logins,
      [s.server.pid],
      [s.server.inspector],
    ),
  parley: (ctx, s) => {
    const weighed = ['gateway', 'presence'].filter((name) => ctx.pids.of(name));
    return grow(
      wsUrl(ctx.gateway),
      s.app.appId,
      s.logins,
      weighed.map((name) => ctx.pids.of(name)),
      weighed.map((name) => ctx.inspectorOf(name)),
    );
  },
  teardown: (ctx, { server }) => stopServer(server),
  targets(b, p) {
    return SIZES.flatMap((size) => [
      atMost(`KB/socket at ${size}`, b[`kbPerSocket${size}`], p[`kbPerSocket${size}`], 3),
      absolute(`KB/socket at ${size}`, p[`kbPerSocket${size}`], '<=', 30, 'KB'),
    ]);
  },
};
