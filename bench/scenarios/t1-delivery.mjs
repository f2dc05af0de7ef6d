// T1: delivery. Frames already on NATS (deliver.<appId>.u.<uid>) pushed to N connected sockets.
// Parley: the gateway alone. Baseline: a bare `ws` server subscribed to NATS core per user,
// pushing the same frames to the same sockets. Targets: deliveries/s >= 0.5x, CPU/frame <= 2x.
import { atLeast, atMost } from '../lib/checks.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { measureCpu } from '../lib/proc.mjs';
import { runWorker, startServer, stopServer, wsClients } from '../lib/workers.mjs';

const SOCKETS = 200;
const FRAMES = 100_000;

async function deliver(ctx, url, serverPid, { app, logins }) {
  const clients = await wsClients();
  const connected = await clients.ask({
    cmd: 'connect',
    url,
    appId: app.appId,
    logins,
    concurrency: 50,
  });
  if (connected.failed) throw new Error(`T1: ${connected.failed} sockets failed to authenticate`);
  const frame = {
    appId: app.appId,
    type: 'message',
    sender: 'bench',
    receiverType: 'user',
    body: {
      id: '1',
      category: 'message',
      type: 'text',
      data: { text: 'hello from the benchmark' },
    },
  };
  const waiting = await clients.expect(FRAMES, 120_000);
  const { result, cpuSeconds } = await measureCpu([serverPid], async () => {
    await runWorker('nats-publish', {
      natsUrl: ctx.env.NATS_URL,
      subjects: logins.map((l) => `deliver.${app.appId}.u.${l.uid}`),
      frame,
      total: FRAMES,
    });
    return waiting.done;
  });
  await clients.close();
  return {
    perSecond: result.perSecond,
    received: result.received,
    cpuMicrosPerFrame: (cpuSeconds / Math.max(1, result.received)) * 1e6,
  };
}

export default {
  id: 'T1',
  title: 'delivery: frames on NATS pushed to connected sockets (gateway only)',
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench T1');
    const logins = await usersWithLogins(ctx, app, SOCKETS);
    const server = await startServer('bare-ws-server', { natsUrl: ctx.env.NATS_URL });
    return { app, logins, server };
  },
  baseline: (ctx, s) => deliver(ctx, `ws://127.0.0.1:${s.server.info.port}`, s.server.pid, s),
  parley: (ctx, s) => deliver(ctx, wsUrl(ctx.gateway), ctx.pids.of('gateway'), s),
  teardown: (ctx, { server }) => stopServer(server),
  targets(b, p) {
    return [
      atLeast('deliveries/s', b.perSecond, p.perSecond, 0.5),
      atMost('CPU µs/frame', b.cpuMicrosPerFrame, p.cpuMicrosPerFrame, 2),
    ];
  },
};
