// T2's baseline: the statements of a durable send (take the conversation's next seq, insert the
// message, stage the event in the outbox) issued with `pg` directly, one transaction per send,
// at the same concurrency as Parley's load, on copies of messaging's tables.
import { workerConfig } from '../lib/config.mjs';
import pg from 'pg';
import { newHistogram, summary } from '../lib/histogram.mjs';

const cfg = workerConfig();
const histogram = newHistogram();
let count = 0;
let n = 0;
const start = Date.now();
const measureFrom = start + (cfg.warmupMs ?? 0);
const end = measureFrom + cfg.durationMs;
const s = cfg.schema;

async function lane(i) {
  const client = new pg.Client({ connectionString: cfg.databaseUrl });
  await client.connect();
  const [sender, receiver] = cfg.pairs[i % cfg.pairs.length];
  const conversation = [sender, receiver].sort().join('_user_');
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    const now = new Date();
    await client.query('BEGIN');
    const seq = await client.query(
      `INSERT INTO "${s}"."conversations" AS c
         ("app_id", "conversation_id", "conversation_type", "last_seq", "created_at", "updated_at")
       VALUES ($1, $2, 'user', 1, $3, $3)
       ON CONFLICT ("app_id", "conversation_id") DO UPDATE
         SET "last_seq" = c."last_seq" + 1, "updated_at" = EXCLUDED."updated_at"
       RETURNING "last_seq"`,
      [cfg.appId, conversation, now],
    );
    const data = { text: 'hello', entities: {} };
    const msg = await client.query(
      `INSERT INTO "${s}"."messages"
         ("app_id", "conversation_id", "seq", "muid", "sender", "receiver", "receiver_type",
          "category", "type", "data", "tags", "sent_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, 'user', 'message', 'text', $7, '{}', $8, $8)
       RETURNING *`,
      [
        cfg.appId,
        conversation,
        seq.rows[0].last_seq,
        `b${start}-${i}-${n++}`,
        sender,
        receiver,
        data,
        now,
      ],
    );
    await client.query(
      `INSERT INTO "${s}"."outbox" ("event_id", "subject", "payload") VALUES ($1, $2, $3)`,
      [`e${n}`, `evt.messaging.${cfg.appId}.message.created`, { message: msg.rows[0] }],
    );
    await client.query('COMMIT');
    const t1 = process.hrtime.bigint();
    if (Date.now() >= measureFrom && Date.now() <= end) {
      count++;
      histogram.recordValue(Number((t1 - t0) / 1000n));
    }
  }
  await client.end();
}

await Promise.all(Array.from({ length: cfg.concurrency }, (_, i) => lane(i)));
console.log(
  JSON.stringify({
    count,
    errors: 0,
    perSecond: count / (cfg.durationMs / 1000),
    ...summary(histogram),
  }),
);
