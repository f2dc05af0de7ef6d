// L1: send -> receive latency at a fixed rate (half of T2's Parley rate when T2 ran in this
// invocation, else 100/s; BENCH_L1_RATE sets it), 1:1 and in 10-member groups, with every receiver online. Parley: REST
// sends (open loop) received on the receivers' sockets. Baseline: a minimal ws -> NATS -> ws
// relay at the same rate. Each kind sends for a second unmeasured first (the load's connections),
// and Parley's window opens once its processes are idle (the logins' work done). Targets: p99 <=
// 3x baseline and <= 50 ms; p99.9 <= 200 ms.
import { absolute, atMost } from '../lib/checks.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { untilQuiet } from '../lib/proc.mjs';
import { runWorker, startServer, stopServer, wsClients } from '../lib/workers.mjs';

const PAIRS = 50;
const GROUPS = 10;
const GROUP_SIZE = 10;
// Each kind's sends of the first second open the load's connections (50 for 1:1, 10 for groups)
// and warm its process; they are sent but not measured (as in T2 and H1).
const WARMUP_MS = 1000;

function rate(ctx) {
  if (process.env.BENCH_L1_RATE) return Number(process.env.BENCH_L1_RATE);
  return ctx.t2Rate ? Math.max(10, Math.round(ctx.t2Rate / 2)) : 100;
}

export default {
  id: 'L1',
  title: "send -> receive latency at half of T2's rate, 1:1 and 10-member groups",
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench L1');
    const senders = await usersWithLogins(ctx, app, PAIRS, 's');
    const receivers = await usersWithLogins(ctx, app, PAIRS, 'r');
    const members = await usersWithLogins(ctx, app, GROUPS * GROUP_SIZE, 'g');
    const groups = [];
    for (let g = 0; g < GROUPS; g++) {
      const guid = `grp${g}`;
      const inGroup = members.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE);
      for (const l of inGroup) l.groups = [guid];
      await ctx.parley.createGroup(
        app,
        guid,
        inGroup.map((l) => l.uid),
      );
      groups.push({ guid, sender: inGroup[0].uid });
    }
    const server = await startServer('bare-ws-server', {
      natsUrl: ctx.env.NATS_URL,
      appId: app.appId,
    });
    return { app, senders, receivers, members, groups, server };
  },
  async baseline(ctx, s) {
    const clients = await wsClients();
    const logins = [...s.senders, ...s.receivers, ...s.members];
    await clients.ask({
      cmd: 'connect',
      url: `ws://127.0.0.1:${s.server.info.port}`,
      appId: s.app.appId,
      logins,
      concurrency: 50,
    });
    // The logins' own frames (presence, in Parley) are C1's matter: measure once they are through.
    await clients.ask({ cmd: 'settle', quietMs: 1000, maxMs: 30_000 });
    const frames = (kind) =>
      kind === 'user'
        ? s.receivers.map((r) => ({
            receiver: r.uid,
            receiverType: 'user',
            body: { data: { text: 'hi' } },
          }))
        : s.groups.map((g) => ({
            receiver: g.guid,
            receiverType: 'group',
            body: { data: { text: 'hi' } },
          }));
    const out = {};
    for (const kind of ['user', 'group']) {
      const waiting = await clients.expect(
        Number.MAX_SAFE_INTEGER,
        WARMUP_MS + ctx.seconds * 1000 + 2000,
        WARMUP_MS,
      );
      await clients.ask({
        cmd: 'send',
        from: 0,
        frames: frames(kind),
        perSecond: rate(ctx),
        durationMs: WARMUP_MS + ctx.seconds * 1000,
      });
      const r = await waiting.done;
      Object.assign(out, {
        [`${kind}P50`]: r.p50,
        [`${kind}P99`]: r.p99,
        [`${kind}P999`]: r.p999,
        [`${kind}Received`]: r.received,
      });
    }
    await clients.close();
    return out;
  },
  async parley(ctx, s) {
    const clients = await wsClients();
    const logins = [...s.receivers, ...s.members];
    await clients.ask({
      cmd: 'connect',
      url: wsUrl(ctx.gateway),
      appId: s.app.appId,
      logins,
      concurrency: 50,
    });
    // The logins' own frames (presence, in Parley) are C1's matter: measure once they are through.
    await clients.ask({ cmd: 'settle', quietMs: 1000, maxMs: 30_000 });
    const send = (sender, receiver, receiverType) => ({
      method: 'POST',
      path: '/v3/messages',
      headers: { appid: s.app.appId, apikey: s.app.restKey, onbehalfof: sender },
      body: {
        receiver,
        receiverType,
        category: 'message',
        type: 'text',
        data: { text: 'hi', metadata: { benchSentAt: '$t' } },
      },
    });
    const requests = {
      user: s.senders.map((l, i) => send(l.uid, s.receivers[i].uid, 'user')),
      group: s.groups.map((g) => send(g.sender, g.guid, 'group')),
    };
    const out = {};
    for (const kind of ['user', 'group']) {
      // Whatever the logins (or the last kind) left to do is done before the window opens.
      const quiet = await untilQuiet(ctx.pids.all);
      const waiting = await clients.expect(
        Number.MAX_SAFE_INTEGER,
        WARMUP_MS + ctx.seconds * 1000 + 2000,
        WARMUP_MS,
      );
      const sent = await runWorker('http-load', {
        origin: ctx.gateway,
        requests: requests[kind],
        concurrency: requests[kind].length,
        perSecond: rate(ctx),
        warmupMs: WARMUP_MS,
        durationMs: ctx.seconds * 1000,
      });
      const r = await waiting.done;
      Object.assign(out, {
        [`${kind}P50`]: r.p50,
        [`${kind}P99`]: r.p99,
        [`${kind}P999`]: r.p999,
        [`${kind}Received`]: r.received,
        // Sends answered in the window, and refused: each lane waits for its answer, so a lane
        // whose answers come late sends fewer than the rate asks for.
        [`${kind}Sent`]: sent.count,
        [`${kind}Errors`]: sent.errors,
        ...(sent.errors ? { [`${kind}FirstError`]: sent.firstError } : {}),
        [`${kind}QuietMs`]: quiet.ms,
      });
    }
    await clients.close();
    return out;
  },
  teardown: (ctx, { server }) => stopServer(server),
  targets(b, p) {
    return ['user', 'group'].flatMap((kind) => [
      atMost(`${kind} p99 ms`, b[`${kind}P99`], p[`${kind}P99`], 3),
      absolute(`${kind} p99 ms`, p[`${kind}P99`], '<=', 50, 'ms'),
      absolute(`${kind} p99.9 ms`, p[`${kind}P999`], '<=', 200, 'ms'),
    ]);
  },
};
