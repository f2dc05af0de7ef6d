import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EndpointRepository } from './endpoint.repository';

/** Looks of the database start at most this often; events waiting meanwhile share the next. */
export const LOOK_GAP_MS = 50;

/** What the process knows of an app: its enabled endpoints' triggers, as of a look. */
interface Known {
  triggers: ReadonlySet<string>;
  /** When the look was sent (`performance.now()`): it saw every endpoint committed before. */
  asOf: number;
}

/**
 * Which triggers each app's enabled endpoints subscribe to, kept in memory so that an event no
 * endpoint wants (most of them: apps without webhooks) is passed over without a query.
 *
 * Knowing that an app HAS a subscriber may be stale (the endpoint was since deleted or disabled):
 * the event then goes to the query that picks the endpoints, as it would without this. Knowing
 * that it has NONE is trusted only for an event received before the look that said so was sent:
 * such an event was published after anything its producer had committed, so an endpoint created
 * (or enabled, or given the trigger) on any replica before the event happened was committed
 * before the look and is in it. Other events wait for the next look (at most LOOK_GAP_MS plus one
 * query), which covers every app waiting by then in one statement.
 */
@Injectable()
export class EndpointTriggers {
  private readonly known = new Map<string, Known>();
  /** Apps the next look will cover, and that look (not sent yet). */
  private readonly waiting = new Set<string>();
  private next?: Promise<void>;
  /** The look in flight, and when the last one was sent. */
  private current?: Promise<void>;
  private lastSentAt = -Infinity;

  constructor(private readonly endpoints: EndpointRepository) {}

  /**
   * Whether an enabled endpoint of the app may subscribe to `trigger`, for an event the process
   * received at `receivedAt` (`performance.now()`). False is certain; true means: ask the database.
   */
  async mayWant(appId: string, trigger: string, receivedAt: number): Promise<boolean> {
    let known = this.known.get(appId);
    if (known?.triggers.has(trigger)) return true;
    if (!known || known.asOf <= receivedAt) {
      await this.look(appId);
      known = this.known.get(appId);
    }
    return known?.triggers.has(trigger) ?? true;
  }

  /** The app is gone: nothing of it is kept. */
  forget(appId: string): void {
    this.known.delete(appId);
  }

  /** Resolves once a look sent after this call has covered the app. */
  private look(appId: string): Promise<void> {
    this.waiting.add(appId);
    this.next ??= this.sendNext();
    return this.next;
  }

  private async sendNext(): Promise<void> {
    await this.current?.catch(() => undefined);
    const wait = this.lastSentAt + LOOK_GAP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const apps = [...this.waiting];
    this.waiting.clear();
    this.next = undefined;
    const asOf = performance.now();
    this.lastSentAt = asOf;
    this.current = this.endpoints.subscribedTriggers(apps).then((found) => {
      for (const appId of apps) {
        const prior = this.known.get(appId);
        if (prior && prior.asOf > asOf) continue;
        this.known.set(appId, { triggers: new Set(found.get(appId)), asOf });
      }
    });
    return this.current;
  }
}
