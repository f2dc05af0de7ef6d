import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventDef, EventPayload } from '@parley/contracts';
import type { QueryResult } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { MessageBus } from '../bus/message-bus';
import { Clock } from '../bootstrap/clock';
import { Metrics } from '../health/metrics';
import { rootLogger } from '../logging/logger';
import { sqlText } from './sql-text';
import { pgPool, poolQuery } from './database';

const BATCH = 200;
const IDLE_POLL_MS = 500;
/**
 * A pass that only nudges asked for begins at least this long after the one before it (unless
 * that one left rows behind): the commits of that time share it, its transaction and two round
 * trips, instead of each commit under load having a pass of its own. Their events reach the
 * stream that much later at most; a caller awaiting `drain` waits for no gap.
 */
const PASS_GAP_MS = 5;

/** The outbox table of the DataSource's schema, quoted for raw SQL. */
const outboxTable = (ds: DataSource): string =>
  `"${String((ds.options as { schema?: string }).schema ?? 'public').replace(/"/g, '""')}"."outbox"`;

interface PendingRow {
  id: string;
  event_id: string;
  subject: string;
  payload: unknown;
}

/**
 * Publishes outbox rows to JetStream in commit (id) order, then deletes them. One relay of a schema
 * publishes at a time (a transaction-scoped advisory lock; replicas wait their turn), so events of a
 * subject reach the stream in the order they were committed. Subjects are published side by side,
 * each strictly in order, and a failed publish stops its subject until the next pass. JetStream
 * deduplicates by event id, so a relay that dies between publish and delete causes no duplicate.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'outbox' });
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** When the last pass began (`performance.now()`). */
  private lastPassAt = -Infinity;
  /** A caller awaits the next pass (drain): it waits for no gap. */
  private urgent = false;

  /** One relay of a schema publishes at a time: the key of its transaction-scoped lock. */
  private readonly lockKey: string;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly metrics: Metrics,
  ) {
    this.lockKey = `parley:outbox:${String((ds.options as { schema?: string }).schema)}`;
  }

  onApplicationBootstrap() {
    this.schedule(0);
  }

  /** Finish the pass in progress before the database and the bus close; rows left wait for the next start. */
  async beforeApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Ask for a pass now (after a commit); under load it may wait for the gap (PASS_GAP_MS). */
  nudge(): void {
    void this.passes(false).catch(() => undefined);
  }

  /** Publish everything committed so far; resolves when it is in JetStream. No gap is waited. */
  drain(): Promise<void> {
    return this.passes(true);
  }

  private async passes(urgent: boolean): Promise<void> {
    if (urgent) this.urgent = true;
    if (this.running) {
      this.again = true;
      await this.running;
      if (this.running) return this.running;
    }
    this.running = this.passUntilEmpty().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.passes(false)
        .catch((err: unknown) => this.log.warn({ err }, 'outbox pass failed; will retry'))
        .finally(() => this.schedule(IDLE_POLL_MS));
    }, ms);
    this.timer.unref();
  }

  private async passUntilEmpty(): Promise<void> {
    let taken = 0;
    do {
      this.again = false;
      do {
        const wait =
          taken === BATCH || this.urgent ? 0 : this.lastPassAt + PASS_GAP_MS - performance.now();
        if (wait > 0) await sleep(wait);
        this.urgent = false;
        this.lastPassAt = performance.now();
        taken = await this.pass();
      } while (taken === BATCH);
    } while (this.again);
  }

  /**
   * Returns how many rows it took (BATCH means there may be more). Two round trips: the lock and
   * the read open the transaction, the delete closes it. Raw SQL on a pooled connection: the relay
   * runs after every commit, and the query builder and five statements cost more than the work.
   */
  private async pass(): Promise<number> {
    const table = outboxTable(this.ds);
    const client = await pgPool(this.ds).connect();
    let failure: unknown;
    let broken: unknown;
    // A checked-out client has no listener of the pool's: without one, the connection dropping
    // while the relay waits on the broker (a database restart) would be an uncaught 'error' event
    // and end the process.
    const onError = (err: unknown) => {
      broken ??= err;
    };
    client.on('error', onError);
    try {
      const opened = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(hashtext(${sqlText(this.lockKey)}));
         SELECT "id", "event_id", "subject", "payload" FROM ${table} ORDER BY "id" LIMIT ${BATCH}`,
      )) as unknown as Array<QueryResult<PendingRow>>;
      const rows = opened[2].rows;
      if (!rows.length) {
        await client.query('COMMIT');
        return 0;
      }
      this.metrics.outboxPending.observe(rows.length);
      const bySubject = new Map<string, PendingRow[]>();
      for (const r of rows) {
        const chain = bySubject.get(r.subject);
        if (chain) chain.push(r);
        else bySubject.set(r.subject, [r]);
      }
      const published: string[] = [];
      await Promise.all(
        [...bySubject.values()].map(async (chain) => {
          for (const r of chain) {
            try {
              await this.bus.publishDurable(r.subject, r.payload, r.event_id);
              published.push(r.id);
            } catch (err) {
              failure ??= err;
              return; // the rest of this subject waits, to keep its order
            }
          }
        }),
      );
      // Ids are the table's bigints as read (digits): written into the statement, which then
      // needs no parameter and can carry the COMMIT in the same round trip.
      const ids = published.filter((id) => /^\d+$/.test(id)).join(',');
      await client.query(
        ids ? `DELETE FROM ${table} WHERE "id" = ANY('{${ids}}'::bigint[]); COMMIT` : 'COMMIT',
      );
      this.metrics.outboxPublished.inc(published.length);
      if (failure) throw failure;
      return rows.length;
    } catch (err) {
      if (err !== failure) {
        broken = err;
        await client.query('ROLLBACK').catch(() => undefined);
      }
      throw err;
    } finally {
      client.removeListener('error', onError);
      // A connection that failed mid-transaction is not given back to the pool.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

/** An event ready for an outbox row: its id, subject and checked payload. */
export interface StagedEvent {
  eventId: string;
  subject: string;
  payload: Record<string, unknown>;
}

/** Rows of one statement on a raw `pg` connection (Transactor.statement). */
export interface RawDb {
  /** With `name`, the statement is prepared once per connection (see poolQuery). */
  query(sql: string, params: unknown[], name?: string): Promise<Array<Record<string, unknown>>>;
}

/** Stages events inside the caller's transaction. */
@Injectable()
export class Outbox {
  constructor(private readonly clock: Clock) {}

  async stage<D extends EventDef<z.ZodType>>(
    tx: EntityManager,
    def: D,
    appId: string,
    body: Omit<EventPayload<D>, 'v' | 'eventId' | 'appId' | 'occurredAt'>,
  ): Promise<void> {
    const { eventId, subject, payload } = this.event(def, appId, body);
    await tx.query(
      `INSERT INTO ${outboxTable(tx.connection)} ("event_id", "subject", "payload") VALUES ($1, $2, $3)`,
      [eventId, subject, JSON.stringify(payload)],
    );
  }

  /**
   * The event as `stage` writes it, for a caller that inserts the outbox row in a statement of its
   * own. Checked against the event's schema: a producer bug must fail the write, not reach consumers.
   */
  event<D extends EventDef<z.ZodType>>(
    def: D,
    appId: string,
    body: Omit<EventPayload<D>, 'v' | 'eventId' | 'appId' | 'occurredAt'>,
  ): StagedEvent {
    const eventId = randomUUID();
    const payload = { v: 1, eventId, appId, occurredAt: this.clock.nowSeconds(), ...body };
    def.schema.parse(payload);
    return { eventId, subject: def.subject(appId), payload };
  }
}

/**
 * Runs work in one transaction; after commit, the outbox relay is nudged (or, with
 * `publishBeforeReturn`, awaited, so the events are on the stream before the caller answers).
 */
@Injectable()
export class Transactor {
  private readonly log = rootLogger().child({ component: 'outbox' });

  constructor(
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Work of ONE statement that writes and stages its events in the outbox: a statement is atomic
   * on its own, so it needs no BEGIN and COMMIT, and it runs on the pool's `pg` connections
   * directly (TypeORM's query runner costs more than such a statement). `db.query` answers the
   * rows. The relay is nudged once the work is done.
   */
  async statement<T>(work: (db: RawDb) => Promise<T>): Promise<T> {
    const result = await work(this.raw);
    this.relay.nudge();
    return result;
  }

  private readonly raw: RawDb = {
    query: (sql, params, name) => poolQuery(pgPool(this.ds), sql, params, name),
  };

  async run<T>(
    work: (tx: EntityManager) => Promise<T>,
    opts?: { publishBeforeReturn?: boolean },
  ): Promise<T> {
    const result = await this.ds.transaction(work);
    if (opts?.publishBeforeReturn) {
      // The change is committed: a failed publish must not report it as failed. The relay retries.
      await this.relay
        .drain()
        .catch((err: unknown) =>
          this.log.warn({ err }, 'publish after commit failed; relay will retry'),
        );
    } else {
      this.relay.nudge();
    }
    return result;
  }
}
