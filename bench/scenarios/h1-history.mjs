// H1: a REST history page of 50 messages in a conversation of 1,000,000 messages, at random
// points of it. Parley: GET /v3/users/{uid}/messages?id=<cursor>&limit=50 through the gateway.
// Baseline: the same SQL through `pg` in a bare `http` handler. Targets: req/s >= 0.5x, p99 <= 2x.
// Each round also logs the CPU-ms per request of the processes that serve it (cpuMs_<name>; the
// window includes the 1 s warm-up, so it reads about 20% high, alike for both sides).
import pg from 'pg';
import { atLeast, atMost } from '../lib/checks.mjs';
import { measureCpu } from '../lib/proc.mjs';
import { runWorker, startServer, stopServer } from '../lib/workers.mjs';

const MESSAGES = 1_000_000;
const CONCURRENCY = 16;
const CURSORS = 256;

/** The load, with the CPU-ms per request each of `pids` ({name: pid}) used meanwhile. */
async function load(pids, config) {
  const { result, perProcess } = await measureCpu(Object.values(pids), () =>
    runWorker('http-load', config),
  );
  const cpu = Object.fromEntries(
    Object.keys(pids).map((name, i) => [
      `cpuMs_${name}`,
      Math.round(((perProcess[i] * 1000) / Math.max(1, result.count)) * 100) / 100,
    ]),
  );
  return { ...result, ...cpu };
}

export default {
  id: 'H1',
  title: 'history page of 50 in a conversation of 1,000,000 messages',
  async setup(ctx) {
    const app = await ctx.parley.createApp('bench H1');
    const [a, b] = ['alice', 'bob'];
    await ctx.parley.createUsers(app, [a, b]);
    const conversation = `${a}_user_${b}`;
    const db = new pg.Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    // Written directly: a million sends through the API would take the whole run.
    await db.query(
      `INSERT INTO "messaging"."messages"
         ("app_id", "conversation_id", "seq", "sender", "receiver", "receiver_type", "category",
          "type", "data", "sent_at", "updated_at")
       SELECT $1, $2, g, CASE WHEN g % 2 = 0 THEN $3 ELSE $4 END,
              CASE WHEN g % 2 = 0 THEN $4 ELSE $3 END, 'user', 'message', 'text',
              jsonb_build_object('text', 'message number ' || g, 'entities', '{}'::jsonb),
              now() - ($5 - g) * interval '1 second', now() - ($5 - g) * interval '1 second'
       FROM generate_series(1, $5::int) g`,
      [app.appId, conversation, a, b, MESSAGES],
    );
    const { rows } = await db.query(
      `SELECT min("id")::text AS lo, max("id")::text AS hi FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "conversation_id" = $2`,
      [app.appId, conversation],
    );
    await db.query(
      `INSERT INTO "messaging"."conversations"
         ("app_id", "conversation_id", "conversation_type", "last_seq", "last_message_id", "created_at", "updated_at")
       VALUES ($1, $2, 'user', $3, $4, now(), now())`,
      [app.appId, conversation, MESSAGES, rows[0].hi],
    );
    await db.query('ANALYZE "messaging"."messages"');
    await db.end();
    const lo = BigInt(rows[0].lo) + 50n;
    const span = BigInt(rows[0].hi) - lo;
    const cursors = Array.from({ length: CURSORS }, () =>
      String(lo + BigInt(Math.floor(Math.random() * Number(span)))),
    );
    const server = await startServer('pg-http', { databaseUrl: ctx.databaseUrl });
    return { app, a, b, conversation, cursors, server };
  },
  async baseline(ctx, { app, conversation, cursors, server }) {
    return load(
      { server: server.pid },
      {
        origin: `http://127.0.0.1:${server.info.port}`,
        requests: cursors.map((c) => ({
          path: `/history?app=${app.appId}&conversation=${conversation}&before=${c}`,
        })),
        rotate: true,
        concurrency: CONCURRENCY,
        durationMs: ctx.seconds * 1000,
        warmupMs: 1000,
      },
    );
  },
  async parley(ctx, { app, a, b, cursors }) {
    const pids = { gateway: ctx.pids.of('gateway'), messaging: ctx.pids.of('messaging') };
    return load(pids, {
      origin: ctx.gateway,
      requests: cursors.map((c) => ({
        path: `/v3/users/${b}/messages?limit=50&affix=prepend&id=${c}`,
        headers: { appid: app.appId, apikey: app.restKey, onbehalfof: a },
      })),
      rotate: true,
      concurrency: CONCURRENCY,
      durationMs: ctx.seconds * 1000,
      warmupMs: 1000,
    });
  },
  async teardown(ctx, { app, server }) {
    await stopServer(server);
    const db = new pg.Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    await db.query(`DELETE FROM "messaging"."messages" WHERE "app_id" = $1`, [app.appId]);
    await db.query(`DELETE FROM "messaging"."conversations" WHERE "app_id" = $1`, [app.appId]);
    await db.end();
  },
  targets(b, p) {
    return [
      atLeast('history req/s', b.perSecond, p.perSecond, 0.5),
      atMost('history p99 ms', b.p99, p.p99, 2),
    ];
  },
};
