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
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { atMost } from '../lib/checks.mjs';
import { usersWithLogins, wsUrl } from '../lib/logins.mjs';
import { cpuSeconds, rssBytes, untilQuiet } from '../lib/proc.mjs';
import { DOMAIN, ensureProsody, PASSWORD, startProsody } from '../lib/prosody.mjs';
import { forkWorker, runWorker } from '../lib/workers.mjs';

const USERS = 1000;
const RATE = 200;

const pids = (args) => {
  try {
    return execFileSync('pgrep', args).toString().trim().split('\n').map(Number).filter(Boolean);
  } catch {
    return [];
  }
};
/**
 * The infrastructure processes doing Parley's work, on a machine others may share: the PostgreSQL
 * backends connected to the bench's database (not the server's shared background processes, nor
 * other databases' backends), and the nats-server listening on NATS_URL's port. Redis is left
 * out: it holds only the rate-limit counters, and its one process serves everyone on the machine.
 */
async function infraPids(ctx) {
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  const { rows } = await db.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  await db.end();
  const port = new URL(ctx.env.NATS_URL.split(',')[0]).port || '4222';
  const nats = pids(['-x', 'nats-server']).filter((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = args.findIndex((a) => a === '-p' || a === '--port');
      return (at >= 0 ? args[at + 1] : '4222') === port;
    } catch {
      return false;
    }
  });
  return [...rows.map((r) => r.pid), ...nats];
}

function cpuOf(list) {
  return list.reduce((sum, pid) => {
    try {
      return sum + cpuSeconds(pid);
    } catch {
      return sum; // gone
    }
  }, 0);
}

/** CPU-seconds of each process of `list` (absent: gone). */
function cpuEach(list) {
  const out = new Map();
  for (const pid of list) {
    try {
      out.set(pid, cpuSeconds(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * CPU-seconds used between two readings: by the processes of both, and all that a process
 * first seen in the second used (it started in between). One that ended in between is not
 * counted (its last seconds are lost; pooled connections seldom end).
 */
function cpuBetween(before, after) {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
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
    const infra0 = cpuEach(await infraPids(ctx));
    const cpu0 = cpuOf(ctx.pids.all);
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
    const cpu = cpuOf(ctx.pids.all) - cpu0;
    const infraCpu = cpuBetween(infra0, cpuEach(await infraPids(ctx)));
    await clients.close();
    return {
      cpuPer1000: (cpu / sent.count) * 1000,
      cpuWithInfraPer1000: ((cpu + infraCpu) / sent.count) * 1000,
      rssKBPerConnection: rssPerConnection / 1024,
      received: got.received / 2,
      sent: sent.count,
      quietMs: quiet.ms,
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
