import { randomBytes } from 'node:crypto';
import { EventDef } from '@parley/contracts';
import { StoredMsg } from 'nats';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../bootstrap/clock';
import { NatsMessageBus } from '../bus/nats-message-bus';
import { Metrics } from '../health/metrics';
import { connectTestBus, uniqueAppId } from '../testing';
import { openServiceDatabase } from './database';
import { Outbox, OutboxRelay, Transactor } from './outbox';
import { OutboxRow, outboxTableSql } from './outbox.entity';

/**
 * The outbox relay against real Postgres and JetStream, on a throwaway schema (one outbox table,
 * made by a migration defined here) and a throwaway stream, both dropped afterwards.
 */
jest.setTimeout(30_000);

const run = randomBytes(4).toString('hex');
const SCHEMA = `outbox_it_${run}`;
const STREAM = `OUTBOX_IT_${run.toUpperCase()}`;

class OutboxTestInitial1764115900000 implements MigrationInterface {
  name = 'OutboxTestInitial1764115900000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(outboxTableSql(SCHEMA));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${SCHEMA}"."outbox"`);
  }
}

/** A test event in the throwaway stream: `outboxit.<run>.<appId>.thing.happened`. */
const ThingHappened = {
  service: `outboxit.${run}`,
  name: 'thing.happened',
  schema: z.object({
    v: z.literal(1),
    eventId: z.string(),
    appId: z.string(),
    occurredAt: z.number(),
    n: z.number(),
  }),
  subject: (appId: string) => `outboxit.${run}.${appId}.thing.happened`,
  allApps: `outboxit.${run}.*.thing.happened`,
} satisfies EventDef<z.ZodType>;

let ds: DataSource;
let bus: NatsMessageBus;
let outbox: Outbox;
let relay: OutboxRelay;
let transactor: Transactor;

beforeAll(async () => {
  bus = await connectTestBus({ name: 'parley-outbox-it' });
  await bus.ensureStreams([{ name: STREAM, subjects: [`outboxit.${run}.>`] }]);
  ds = await openServiceDatabase(
    process.env.DATABASE_URL as string,
    {
      schema: SCHEMA,
      entities: [OutboxRow],
      migrations: [OutboxTestInitial1764115900000],
      poolSize: 4,
    },
    true,
  );
  // Built by hand, not booted: the relay's timer never starts, so every pass here is one we ask for.
  outbox = new Outbox(new Clock());
  relay = new OutboxRelay(ds, bus, new Metrics());
  transactor = new Transactor(ds, relay);
});

afterAll(async () => {
  await relay?.beforeApplicationShutdown();
  if (ds?.isInitialized) {
    await ds.query(`DROP SCHEMA "${SCHEMA}" CASCADE`);
    await ds.destroy();
  }
  if (bus) {
    const jsm = await bus.connection.jetstreamManager();
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await bus.close();
  }
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** Every message the stream holds for `subject`, in stream order. */
async function storedOn(subject: string): Promise<StoredMsg[]> {
  const jsm = await bus.connection.jetstreamManager();
  const { state } = await jsm.streams.info(STREAM);
  const out: StoredMsg[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(STREAM, { seq }).catch(() => undefined); // a gap: deleted
    if (msg?.subject === subject) out.push(msg);
  }
  return out;
}

const payloadOf = (msg: StoredMsg) => ThingHappened.schema.parse(msg.json());

async function pendingRows(
  appId: string,
): Promise<Array<{ event_id: string; payload: { n: number } }>> {
  return ds.query(
    `SELECT event_id, payload FROM "${SCHEMA}"."outbox" WHERE payload->>'appId' = $1 ORDER BY id`,
    [appId],
  );
}

describe('outbox relay', () => {
  it('never publishes events staged in a rolled-back transaction', async () => {
    const appId = uniqueAppId();
    const staged = transactor.run(async (tx) => {
      await outbox.stage(tx, ThingHappened, appId, { n: 1 });
      throw new Error('the change failed after staging');
    });
    await expect(staged).rejects.toThrow('the change failed after staging');
    await relay.drain();

    expect(await pendingRows(appId)).toEqual([]);
    expect(await storedOn(ThingHappened.subject(appId))).toEqual([]);
  });

  it('refuses to stage a payload that breaks the event schema, failing the transaction', async () => {
    const appId = uniqueAppId();
    const bad = { n: 'not a number' } as unknown as { n: number };
    await expect(
      transactor.run((tx) => outbox.stage(tx, ThingHappened, appId, bad)),
    ).rejects.toThrow();
    await relay.drain();
    expect(await pendingRows(appId)).toEqual([]);
    expect(await storedOn(ThingHappened.subject(appId))).toEqual([]);
  });

  it('publishes committed events once each, in commit order, with the event id as msgID', async () => {
    const appId = uniqueAppId();
    await transactor.run(async (tx) => {
      await outbox.stage(tx, ThingHappened, appId, { n: 1 });
      await outbox.stage(tx, ThingHappened, appId, { n: 2 });
    });
    await transactor.run((tx) => outbox.stage(tx, ThingHappened, appId, { n: 3 }), {
      publishBeforeReturn: true,
    });
    await relay.drain();
    await relay.drain(); // a further pass finds nothing left to publish

    const stored = await storedOn(ThingHappened.subject(appId));
    expect(stored.map((m) => payloadOf(m).n)).toEqual([1, 2, 3]);
    for (const m of stored) {
      expect(m.header.get('Nats-Msg-Id')).toBe(payloadOf(m).eventId);
      expect(payloadOf(m)).toMatchObject({ v: 1, appId });
    }
    expect(new Set(stored.map((m) => payloadOf(m).eventId)).size).toBe(3);
    expect(await pendingRows(appId)).toEqual([]);
  });

  it('has the events on the stream when a publishBeforeReturn transaction returns', async () => {
    const appId = uniqueAppId();
    await transactor.run((tx) => outbox.stage(tx, ThingHappened, appId, { n: 7 }), {
      publishBeforeReturn: true,
    });
    expect((await storedOn(ThingHappened.subject(appId))).map((m) => payloadOf(m).n)).toEqual([7]);
    expect(await pendingRows(appId)).toEqual([]);
  });

  it('keeps the rows when a publish fails and publishes them on the next pass under the same msgID', async () => {
    const appId = uniqueAppId();
    // Staged without the Transactor, so no pass starts before the failure is in place.
    await ds.transaction(async (tx) => {
      for (const n of [1, 2, 3]) await outbox.stage(tx, ThingHappened, appId, { n });
    });
    const rows = await pendingRows(appId);
    const publish = jest
      .spyOn(bus, 'publishDurable')
      .mockRejectedValueOnce(new Error('nats: timeout'));

    await expect(relay.drain()).rejects.toThrow('nats: timeout');
    expect(await pendingRows(appId)).toEqual(rows);

    await relay.drain();
    expect(await pendingRows(appId)).toEqual([]);

    // The retry used each row's event id again, so JetStream dropped whatever the failed pass got through.
    const msgIds = publish.mock.calls.map(([, , msgId]) => msgId);
    expect(msgIds.filter((id) => id === rows[0].event_id)).toHaveLength(2);
    expect(new Set(msgIds)).toEqual(new Set(rows.map((r) => r.event_id)));

    const stored = await storedOn(ThingHappened.subject(appId));
    expect(stored.map((m) => m.header.get('Nats-Msg-Id')).sort()).toEqual(
      rows.map((r) => r.event_id).sort(),
    );
    expect(stored.map((m) => payloadOf(m).n).sort()).toEqual([1, 2, 3]);
  });

  it('keeps commit order on the stream when a publish fails and is retried', async () => {
    const appId = uniqueAppId();
    await ds.transaction(async (tx) => {
      for (const n of [1, 2, 3]) await outbox.stage(tx, ThingHappened, appId, { n });
    });
    jest.spyOn(bus, 'publishDurable').mockRejectedValueOnce(new Error('nats: timeout'));
    await relay.drain().catch(() => undefined);
    await relay.drain();

    const stored = await storedOn(ThingHappened.subject(appId));
    expect(stored.map((m) => payloadOf(m).n)).toEqual([1, 2, 3]);
  });
});
