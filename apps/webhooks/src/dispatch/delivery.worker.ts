import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { rootLogger } from '@parley/common';
import { WEBHOOKS_ENV, WebhooksEnv } from '../config/webhooks-env';
import { WEBHOOKS_SCOPE, WebhooksScope } from '../config/webhooks-scope';
import { ClaimedDelivery } from '../deliveries/delivery.entity';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import { DeliveryNudge } from './delivery-nudge';
import { RetryPolicy } from './retry-policy';
import { WebhookMetrics } from './webhook.metrics';
import { WebhookSender } from './webhook-sender';

/** Endpoints looked at per claim. */
const ENDPOINTS_PER_CLAIM = 50;
/**
 * An attempt's claim lasts twice its timeout plus this margin: room for recording the outcome,
 * clock skew and a busy event loop firing the timeout late, so that no second attempt starts
 * while the first may still be open (the endpoint's concurrency limit holds).
 */
const LEASE_MARGIN_MS = 5000;

/**
 * Sends due deliveries. Claims them from Postgres (DeliveryRepository.claim), at most
 * WEBHOOKS_ENDPOINT_CONCURRENCY per endpoint across replicas and WEBHOOKS_MAX_IN_FLIGHT in this
 * process, and sends each without waiting for the others, so a slow endpoint delays only itself.
 * Each outcome is recorded with the next attempt's time; a process that dies leaves claims that
 * expire, and whichever worker polls next takes them over.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'webhook-worker' });
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private passing?: Promise<void>;
  private again = false;
  private stopped = false;
  private stopListening?: () => void;

  constructor(
    @Inject(WEBHOOKS_ENV) private readonly env: WebhooksEnv,
    @Inject(WEBHOOKS_SCOPE) private readonly scope: WebhooksScope,
    private readonly deliveries: DeliveryRepository,
    private readonly sender: WebhookSender,
    private readonly retry: RetryPolicy,
    private readonly metrics: WebhookMetrics,
    nudge: DeliveryNudge,
  ) {
    this.stopListening = nudge.listen(() => this.wake());
  }

  onApplicationBootstrap() {
    this.schedule();
  }

  /** Stop claiming, then let the attempts in flight finish (each is bounded by the timeout). */
  async beforeApplicationShutdown() {
    this.stopped = true;
    this.stopListening?.();
    if (this.timer) clearTimeout(this.timer);
    await this.passing?.catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Look for due deliveries now. */
  wake(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.passUntilIdle()
      .catch((err: unknown) => this.log.warn({ err }, 'claiming deliveries failed; will retry'))
      .finally(() => {
        this.passing = undefined;
      });
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.env.WEBHOOKS_POLL_MS);
    this.timer.unref();
  }

  private async passUntilIdle(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const free = this.env.WEBHOOKS_MAX_IN_FLIGHT - this.inFlight.size;
        if (free <= 0 || this.stopped) return;
        const claimed = await this.deliveries.claim({
          limit: free,
          endpoints: ENDPOINTS_PER_CLAIM,
          perEndpoint: this.env.WEBHOOKS_ENDPOINT_CONCURRENCY,
          leaseMs: 2 * this.env.WEBHOOKS_TIMEOUT_MS + LEASE_MARGIN_MS,
          appId: this.scope.appId,
        });
        for (const d of claimed) this.track(this.attempt(d));
        if (!claimed.length) break;
      }
    } while (this.again && !this.stopped);
  }

  private track(work: Promise<void>) {
    this.inFlight.add(work);
    this.metrics.inFlight.set(this.inFlight.size);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.metrics.inFlight.set(this.inFlight.size);
      // A slot is free, and the endpoint may have more waiting.
      this.wake();
    });
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    try {
      const outcome = await this.sender.send(d);
      this.metrics.attempts.inc({ outcome: outcome.ok ? 'success' : 'failure' });
      this.metrics.attemptDuration.observe(outcome.durationMs / 1000);
      const next = this.retry.after(d.attempt, outcome.ok);
      if (next.status === 'failed') this.metrics.deadLettered.inc();
      await this.deliveries.recordAttempt(d, outcome, next);
    } catch (err) {
      // Recording failed (database away): the claim expires and the delivery is attempted again.
      this.log.warn({ err, delivery: d.id }, 'recording a webhook attempt failed');
    }
  }
}
