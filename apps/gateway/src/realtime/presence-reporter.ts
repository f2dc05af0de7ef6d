import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MessageBus, rootLogger } from '@parley/common';
import { RPC } from '@parley/contracts';
import { Connection } from './connection';

/** Until presence has said its TTL, beat this often (ms). */
const FIRST_BEAT_INTERVAL_MS = 5_000;

interface Reported {
  readonly conn: Connection;
  /** The `opened` report; `closed` waits for it, so presence never sees them reversed. */
  readonly opened: Promise<void>;
}

/**
 * Tells the presence service which sockets this gateway holds (ARCHITECTURE.md §7): each one as
 * it authenticates and as it closes, under this process's own gateway id, and a heartbeat three
 * times per presence TTL. A report that failed, or a heartbeat presence does not recognise (it
 * expired this gateway during a pause), is repaired by naming every socket again (sync).
 */
@Injectable()
export class PresenceReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'presence-reporter' });
  /** Unique per process: a restarted gateway's old sockets expire with the old id. */
  readonly gatewayId = randomUUID();
  private readonly reported = new Map<string, Reported>();
  /** A report failed: the next beat syncs. */
  private dirty = true;
  private intervalMs = FIRST_BEAT_INTERVAL_MS;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly bus: MessageBus) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * The gateway is shutting down (its sockets are closing): presence closes them all at once
   * rather than after the TTL. Waits at most `timeoutMs` for the answer.
   */
  async leave(timeoutMs = 2000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.reported.clear();
    await this.bus
      .request(RPC.presence.gatewayLeft, { gatewayId: this.gatewayId }, { timeoutMs })
      .catch((err: unknown) => this.failed(err, 'left'));
  }

  opened(conn: Connection): void {
    if (this.reported.has(conn.connectionId)) return;
    const opened = this.bus
      .request(RPC.presence.connectionOpened, this.describe(conn))
      .then(() => undefined)
      .catch((err: unknown) => this.failed(err, 'opened'));
    this.reported.set(conn.connectionId, { conn, opened });
  }

  closed(conn: Connection): void {
    const entry = this.reported.get(conn.connectionId);
    if (!entry) return;
    this.reported.delete(conn.connectionId);
    void entry.opened.then(() =>
      this.bus
        .request(RPC.presence.connectionClosed, this.describe(conn))
        .catch((err: unknown) => this.failed(err, 'closed')),
    );
  }

  /** One heartbeat (or sync); exposed for tests. */
  async beat(): Promise<void> {
    try {
      let reply = this.dirty
        ? undefined
        : await this.bus.request(RPC.presence.gatewayHeartbeat, {
            gatewayId: this.gatewayId,
          });
      if (!reply?.known) {
        this.dirty = false;
        reply = await this.bus.request(RPC.presence.gatewaySync, {
          gatewayId: this.gatewayId,
          connections: [...this.reported.values()].map(({ conn }) => ({
            appId: conn.appId,
            uid: conn.uid,
            connectionId: conn.connectionId,
          })),
        });
      }
      this.intervalMs = Math.max(250, Math.floor((reply.ttlSeconds * 1000) / 3));
    } catch (err) {
      this.failed(err, 'heartbeat');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.beat().finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private failed(err: unknown, what: string): void {
    this.dirty = true;
    this.log.warn(
      { err, gatewayId: this.gatewayId },
      `presence report failed (${what}); will sync`,
    );
  }

  private describe(conn: Connection) {
    return {
      appId: conn.appId,
      uid: conn.uid,
      gatewayId: this.gatewayId,
      connectionId: conn.connectionId,
    };
  }
}
