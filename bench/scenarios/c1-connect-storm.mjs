// C1: connect + auth + subscribe storm. N clients open a WebSocket, send the SDK's auth frame and
// wait for its answer, 50 at a time. Parley: the gateway (JWT check, user and group
// subscriptions). Baseline: bare `ws` handshakes answered at once. Targets: >= 0.2x, >= 300/s.
// Each round also logs the CPU-ms per session of every process (cpuMs_<name>).
import { absolute, atLeast } from '../lib/checks.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { measureCpu } from '../lib/proc.mjs';
import { startServer, stopServer, wsClients } from '../lib/workers.mjs';

const SERVICES = ['gateway', 'identity', 'groups', 'users', 'presence', 'webhooks', 'messaging'];
/** Parley's processes by name (the CPU each spends per session is logged with the round). */
const servicePids = (ctx) =>
  Object.fromEntries(SERVICES.map((name) => [name, ctx.pids.of(name)]).filter(([, pid]) => pid));

const SESSIONS = 500;
const CONCURRENCY = 50;

/** The storm; with `pids`, also the CPU-ms per session each of those processes used. */
async function storm(url, appId, logins, pids = {}) {
  const clients = await wsClients();
  const { result, perProcess } = await measureCpu(Object.values(pids), () =>
    clients.ask({ cmd: 'connect', url, appId, logins, concurrency: CONCURRENCY }),
  );
  await clients.close();
  const cpu = Object.fromEntries(
    Object.keys(pids).map((name, i) => [`cpuMs_${name}`, (perProcess[i] * 1000) / logins.length]),
  );
  return { ...result, ...cpu };
}

export default {
  id: 'C1',
  title: 'connect + auth + subscribe storm',
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench C1');
    const logins = await usersWithLogins(ctx, app, SESSIONS);
    const server = await startServer('bare-ws-server', {});
    return { app, logins, server };
  },
  baseline: (ctx, { app, logins, server }) =>
    storm(`ws://127.0.0.1:${server.info.port}`, app.appId, logins, { server: server.pid }),
  parley: (ctx, { app, logins }) => storm(wsUrl(ctx.gateway), app.appId, logins, servicePids(ctx)),
  teardown: (ctx, { server }) => stopServer(server),
  targets(b, p) {
    return [
      atLeast('sessions/s', b.sessionsPerSecond, p.sessionsPerSecond, 0.2),
      absolute('sessions/s', p.sessionsPerSecond, '>=', 300, '/s'),
    ];
  },
};
