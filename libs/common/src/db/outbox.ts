import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventDef, EventPayload } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { MessageBus } from '../bus/message-bus';
import { Clock } from '../bootstrap/clock';
import { Metrics } from '../health/metrics';
import { rootLogger } from '../logging/logger';
import { OutboxRow } from './outbox.entity';

const BATCH = 200;
const IDLE_POLL_MS = 500;

/**
 * Publishes outbox rows to JetStream in id order, then deletes them. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so replicas share the work; JetStream deduplicates by event id, so a relay
 * that dies between publish and delete causes no duplicate event.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'outbox' });
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap() {
    this.schedule(0);
  }

  async onApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Ask for a pass now (after a commit). */
  nudge(): void {
    void this.drain().catch(() => undefined);
  }

  /** Publish everything committed so far; resolves when it is in JetStream. */
  async drain(): Promise<void> {
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
      this.drain()
        .catch((err: unknown) => this.log.warn({ err }, 'outbox pass failed; will retry'))
        .finally(() => this.schedule(IDLE_POLL_MS));
    }, ms);
    this.timer.unref();
  }

  private async passUntilEmpty(): Promise<void> {
    do {
      this.again = false;
      while ((await this.pass()) === BATCH);
    } while (this.again);
  }

  private async pass(): Promise<number> {
    return this.ds.transaction(async (tx) => {
      const rows = await tx
        .getRepository(OutboxRow)
        .createQueryBuilder('o')
        .orderBy('o.id', 'ASC')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (!rows.length) return 0;
      this.metrics.outboxPending.observe(rows.length);
      await Promise.all(rows.map((r) => this.bus.publishDurable(r.subject, r.payload, r.eventId)));
      await tx.getRepository(OutboxRow).delete(rows.map((r) => r.id));
      this.metrics.outboxPublished.inc(rows.length);
      return rows.length;
    });
  }
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
    const eventId = randomUUID();
    const payload = { v: 1, eventId, appId, occurredAt: this.clock.nowSeconds(), ...body };
    def.schema.parse(payload); // a producer bug must fail the transaction, not reach consumers
    await tx.getRepository(OutboxRow).insert({ eventId, subject: def.subject(appId), payload });
  }
}

/**
 * Runs work in one transaction; after commit, the outbox relay is nudged (or, with
 * `publishBeforeReturn`, awaited, so the events are on the stream before the caller answers).
 */
@Injectable()
export class Transactor {
  constructor(
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>, opts?: { publishBeforeReturn?: boolean }): Promise<T> {
    const result = await this.ds.transaction(work);
    if (opts?.publishBeforeReturn) {
      await this.relay.drain();
    } else {
      this.relay.nudge();
    }
    return result;
  }
}
