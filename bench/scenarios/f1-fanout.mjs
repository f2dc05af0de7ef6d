// F1: fan-out. One message to a 1,000-member group with every member online; the time from the
// send to its delivery on the last socket. Parley: a REST send (stored, then one publish to the
// group's subject, pushed by the gateway to each member's socket). Baseline: a bare `ws` server
// broadcasting the same frame to the same 1,000 sockets from one NATS publish. Target: <= 3x.
import { connect } from 'nats';
import { atMost } from '../lib/checks.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { median } from '../lib/stats.mjs';
import { startServer, stopServer, wsClients } from '../lib/workers.mjs';

const MEMBERS = 1000;
const MESSAGES = 5;
const GUID = 'fanout';

async function fanout(url, { app, logins }, send) {
  const clients = await wsClients();
  const connected = await clients.ask({
    cmd: 'connect',
    url,
    appId: app.appId,
    logins,
    concurrency: 50,
  });
  if (connected.failed) throw new Error(`F1: ${connected.failed} sockets failed to authenticate`);
  await new Promise((r) => setTimeout(r, 500)); // subscriptions settle
  const times = [];
  for (let i = 0; i < MESSAGES; i++) {
    const waiting = await clients.expect(MEMBERS, 30_000);
    await send(i);
    const result = await waiting.done;
    if (result.received < MEMBERS)
      throw new Error(`F1: only ${result.received} of ${MEMBERS} delivered`);
    times.push(result.ms);
  }
  await clients.close();
  return { lastDeliveryMs: median(times) };
}

export default {
  id: 'F1',
  title: 'fan-out: one message to a 1,000-member group, all online',
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench F1');
    const logins = await usersWithLogins(ctx, app, MEMBERS, 'm');
    for (const l of logins) l.groups = [GUID];
    await ctx.parley.createGroup(
      app,
      GUID,
      logins.map((l) => l.uid),
    );
    const server = await startServer('bare-ws-server', {
      natsUrl: ctx.env.NATS_URL,
      appId: app.appId,
    });
    const nc = await connect({ servers: ctx.env.NATS_URL });
    return { app, logins, server, nc };
  },
  baseline: (ctx, s) =>
    fanout(`ws://127.0.0.1:${s.server.info.port}`, s, async (i) => {
      const frame = {
        appId: s.app.appId,
        type: 'message',
        receiverType: 'group',
        receiver: GUID,
        body: { id: String(i), category: 'message', type: 'text', data: { text: 'to everyone' } },
      };
      s.nc.publish(`deliver.${s.app.appId}.g.${GUID}`, JSON.stringify(frame));
      await s.nc.flush();
    }),
  parley: (ctx, s) =>
    fanout(wsUrl(ctx.gateway), s, async () => {
      const res = await fetch(`${ctx.gateway}/v3/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', appid: s.app.appId, apikey: s.app.restKey },
        body: JSON.stringify({
          receiver: GUID,
          receiverType: 'group',
          category: 'message',
          type: 'text',
          data: { text: 'to everyone' },
        }),
      });
      if (!res.ok) throw new Error(`F1 send: ${res.status} ${await res.text()}`);
    }),
  async teardown(ctx, { server, nc }) {
    await nc.close();
    await stopServer(server);
  },
  targets(b, p) {
    return [atMost('time to last delivery ms', b.lastDeliveryMs, p.lastDeliveryMs, 3)];
  },
};
