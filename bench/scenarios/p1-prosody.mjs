// P1: the peer. 1,000 users in 500 1:1 chats, all connected, at the same offered rate: Parley
// (REST sends, WebSocket receivers) against Prosody (Debian's package, XMPP, message archiving
// on), driven by an XMPP client. Measured: CPU-seconds per 1,000 messages (Parley: its services;
// Prosody: its process; each also with the infrastructure it writes to: the bench database's
// PostgreSQL backends and its NATS server for Parley, nothing more for Prosody, whose archive is
// in-process) and RSS per connection. RSS grows with connections only the first time a process
// holds them (later rounds reuse the memory the earlier ones freed), so each side's growth per
// connection is weighed in its first round and reported for every round. Each side's CPU window
// opens once its processes are idle, so neither is charged for the tail of its logins.
// Targets: CPU per 1,000 messages <= Prosody's; RSS per connection <= 2x Prosody's.
import { atMost } from '../lib/checks.mjs';
import { infraCpu } from '../lib/infra.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { cpuSeconds, rssBytes, untilQuiet } from '../lib/proc.mjs';
import { DOMAIN, ensureProsody, PASSWORD, startProsody } from '../lib/prosody.mjs';
import { forkWorker, runWorker } from '../lib/workers.mjs';

const USERS = 1000;
const RATE = 200;

function cpuOf(list) {
  return list.reduce((sum, pid) => {
    try {
      return sum + cpuSeconds(pid);
    } catch {
      return sum; // gone
    }
  }, 0);
}

export default {
  id: 'P1',
  title: 'peer: 1,000 users in 1:1 chats, Parley vs Prosody (archiving on)',
  available: (ctx) => ensureProsody(ctx.installProsody),
  unavailable: 'Prosody is not installed: npm run bench -- P1 --install-prosody',
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench P1');
    const logins = await usersWithLogins(ctx, app, USERS, 'p');
    const uids = logins.map((l) => l.uid);
    const pairs = Array.from({ length: USERS / 2 }, (_, i) => [uids[2 * i], uids[2 * i + 1]]);
    const prosody = await startProsody(uids);
    return { app, logins, uids, pairs, prosody };
  },
  async baseline(ctx, state) {
    const { uids, pairs, prosody } = state;
    const clients = await forkWorker('xmpp-clients');
    const rss0 = rssBytes(prosody.pid);
    const connected = await clients.ask({
      cmd: 'connect',
      service: prosody.service,
      domain: DOMAIN,
      users: uids,
      password: PASSWORD,
      concurrency: 50,
    });
    if (connected.failed) throw new Error(`P1: ${connected.failed} XMPP clients failed to connect`);
    state.prosodyRss ??= (rssBytes(prosody.pid) - rss0) / connected.connected;
    const rssPerConnection = state.prosodyRss;
    const quiet = await untilQuiet([prosody.pid]);
    const cpu0 = cpuOf([prosody.pid]);
    const run = await clients.ask({
      cmd: 'run',
      pairs,
      perSecond: RATE,
      durationMs: ctx.seconds * 1000,
      timeoutMs: 30_000,
    });
    const cpu = cpuOf([prosody.pid]) - cpu0;
    await clients.close();
    return {
      cpuPer1000: (cpu / run.received) * 1000,
      cpuWithInfraPer1000: (cpu / run.received) * 1000,
      rssKBPerConnection: rssPerConnection / 1024,
      received: run.received,
      quietMs: quiet.ms,
    };
  },
  async parley(ctx, state) {
    const { app, logins, pairs } = state;
    const clients = await forkWorker('ws-clients');
    const gateway = ctx.pids.of('gateway');
    const rss0 = rssBytes(gateway);
    const connected = await clients.ask({
      cmd: 'connect',
      url: wsUrl(ctx.gateway),
      appId: app.appId,
      logins,
      concurrency: 50,
    });
    if (connected.failed) throw new Error(`P1: ${connected.failed} sockets failed to authenticate`);
    // The logins' presence frames are written out before the sockets are weighed.
    await clients.ask({ cmd: 'settle', quietMs: 1000, maxMs: 30_000 });
    state.parleyRss ??= (rssBytes(gateway) - rss0) / logins.length;
    const rssPerConnection = state.parleyRss;
    const quiet = await untilQuiet(ctx.pids.all);
    const infraUsed = await infraCpu(ctx);
    const each0 = ctx.pids.all.map(cpuSeconds);
    const t0 = Date.now();
    // Each 1:1 message reaches the receiver and the sender's own socket (its other devices).
    const waiting = await clients.expect(Number.MAX_SAFE_INTEGER, ctx.seconds * 1000 + 30_000);
    const sent = await runWorker('http-load', {
      origin: ctx.gateway,
      requests: pairs.map(([from, to]) => ({
        method: 'POST',
        path: '/v3/messages',
        headers: { appid: app.appId, apikey: app.restKey, onbehalfof: from },
        body: {
          receiver: to,
          receiverType: 'user',
          category: 'message',
          type: 'text',
          data: { text: 'message $n' },
        },
      })),
      concurrency: 64,
      rotate: true,
      perSecond: RATE,
      durationMs: ctx.seconds * 1000,
    });
    // Once the sends that were made have arrived (not the idle time of a timeout).
    await clients.ask({ cmd: 'total', total: sent.count * 2 });
    const got = await waiting.done;
    const used = ctx.pids.all.map((pid, i) => cpuSeconds(pid) - each0[i]);
    const windowMs = Date.now() - t0;
    const cpu = used.reduce((a, b) => a + b, 0);
    const { postgres, nats } = await infraUsed();
    const infra = postgres + nats;
    await clients.close();
    return {
      cpuPer1000: (cpu / sent.count) * 1000,
      cpuWithInfraPer1000: ((cpu + infra) / sent.count) * 1000,
      rssKBPerConnection: rssPerConnection / 1024,
      received: got.received / 2,
      sent: sent.count,
      quietMs: quiet.ms,
      // Where the services' CPU went: each one's CPU-ms per message in the window, and what they
      // all use per second at rest with the 1,000 sockets open (read while waiting for quiet),
      // which the window's length charges to its messages too.
      cpuMsPerMessage: Object.fromEntries(
        ctx.pids.names.map((name, i) => [name, Math.round((used[i] / sent.count) * 1e5) / 100]),
      ),
      restCpuMsPerSecond: Math.round((quiet.cpuMs.reduce((a, b) => a + b, 0) / quiet.ms) * 1000),
      windowSeconds: windowMs / 1000,
    };
  },
  teardown: (ctx, { prosody }) => prosody.stop(),
  targets(b, p) {
    return [
      atMost('CPU s/1000 msgs (services)', b.cpuPer1000, p.cpuPer1000, 1),
      atMost('CPU s/1000 msgs (with infra)', b.cpuWithInfraPer1000, p.cpuWithInfraPer1000, 1),
      atMost('RSS KB/connection', b.rssKBPerConnection, p.rssKBPerConnection, 2),
    ];
  },
};
