// C1: connect + auth + subscribe storm. N clients open a WebSocket, send the SDK's auth frame and
// wait for its answer, 50 at a time. Parley: the gateway (JWT check, user and group
// subscriptions). Baseline: bare `ws` handshakes answered at once. Targets: >= 0.2x, >= 300/s.
import { absolute, atLeast } from '../lib/checks.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { startServer, stopServer, wsClients } from '../lib/workers.mjs';

const SESSIONS = 500;
const CONCURRENCY = 50;

async function storm(url, appId, logins) {
  const clients = await wsClients();
  const result = await clients.ask({
    cmd: 'connect',
    url,
    appId,
    logins,
    concurrency: CONCURRENCY,
  });
  await clients.close();
  return result;
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
    storm(`ws://127.0.0.1:${server.info.port}`, app.appId, logins),
  parley: (ctx, { app, logins }) => storm(wsUrl(ctx.gateway), app.appId, logins),
  teardown: (ctx, { server }) => stopServer(server),
  targets(b, p) {
    return [
      atLeast('sessions/s', b.sessionsPerSecond, p.sessionsPerSecond, 0.2),
      absolute('sessions/s', p.sessionsPerSecond, '>=', 300, '/s'),
    ];
  },
};
