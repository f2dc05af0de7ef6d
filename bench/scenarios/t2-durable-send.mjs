// T2: durable send. Parley: POST /v3/messages through the gateway (validation, the send
// transaction: seq + message + outbox, commit, answer). Baseline: the same statements issued with
// `pg` directly at the same concurrency. Target: sends/s >= 0.5x.
import pg from 'pg';
import { atLeast } from '../lib/checks.mjs';
import { infraCpu } from '../lib/infra.mjs';
import { measureCpu } from '../lib/proc.mjs';
import { runWorker } from '../lib/workers.mjs';

const CONCURRENCY = 32;
const PAIRS = 32;

export default {
  id: 'T2',
  title: 'durable send: REST send -> validation -> commit -> ack',
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench T2');
    const uids = Array.from({ length: PAIRS * 2 }, (_, i) => `u${i}`);
    await ctx.parley.createUsers(app, uids);
    const pairs = Array.from({ length: PAIRS }, (_, i) => [uids[2 * i], uids[2 * i + 1]]);
    // The baseline writes to copies of messaging's tables (same columns, indexes, defaults).
    const db = new pg.Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS "bench_t2" CASCADE; CREATE SCHEMA "bench_t2"');
    for (const t of ['conversations', 'messages', 'outbox']) {
      await db.query(`CREATE TABLE "bench_t2"."${t}" (LIKE "messaging"."${t}" INCLUDING ALL)`);
    }
    await db.end();
    return { app, pairs };
  },
  async baseline(ctx, { app, pairs }) {
    return runWorker('pg-send', {
      databaseUrl: ctx.databaseUrl,
      schema: 'bench_t2',
      appId: app.appId,
      pairs,
      concurrency: CONCURRENCY,
      durationMs: ctx.seconds * 1000,
      warmupMs: 1000,
    });
  },
  async parley(ctx, { app, pairs }) {
    const round = Date.now().toString(36);
    const requests = pairs.map(([sender, receiver]) => ({
      method: 'POST',
      path: '/v3/messages',
      headers: { appid: app.appId, apikey: app.restKey, onbehalfof: sender },
      body: {
        receiver,
        receiverType: 'user',
        category: 'message',
        type: 'text',
        data: { text: 'hello' },
        // Unique across rounds too ("$n" restarts with each round's worker): a muid sent again
        // is a retry, answered with the stored message, which is not the send T2 measures.
        muid: `m${round}-$n`,
      },
    }));
    const infraUsed = await infraCpu(ctx);
    const { result, cpuSeconds, perProcess } = await measureCpu(ctx.pids.all, () =>
      runWorker('http-load', {
        origin: ctx.gateway,
        origins: ctx.gateways, // with --replicas gateway=N, spread over every gateway
        requests,
        concurrency: CONCURRENCY,
        durationMs: ctx.seconds * 1000,
        warmupMs: 1000,
      }),
    );
    const infra = await infraUsed();
    const sends = Math.max(1, result.count);
    const perSend = (seconds) => Math.round((seconds / sends) * 1e5) / 100;
    // CPU-ms per send of each process (the load window's sends; warm-up sends add a little), and
    // of the infrastructure: the bench database's backends, the NATS server, and PostgreSQL's WAL
    // writer (the server's, shared with other databases' work).
    const cpuMsPerSend = Object.fromEntries(
      ctx.pids.names.map((name, i) => [name, perSend(perProcess[i])]),
    );
    const infraCpuMsPerSend = Object.fromEntries(
      Object.entries(infra).map(([group, seconds]) => [group, perSend(seconds)]),
    );
    return {
      ...result,
      cpuPer1000: (cpuSeconds / sends) * 1000,
      cpuMsPerSend,
      infraCpuMsPerSend,
    };
  },
  async teardown(ctx) {
    const db = new pg.Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS "bench_t2" CASCADE');
    await db.end();
  },
  targets(b, p) {
    return [atLeast('sends/s', b.perSecond, p.perSecond, 0.5)];
  },
};
