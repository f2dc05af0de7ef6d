import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { rootLogger } from '@parley/common';
import { WEBHOOKS_ENV, WebhooksEnv } from '../config/webhooks-env';
import { DeliveryRepository } from './delivery.repository';

const EVERY_MS = 10 * 60_000;
const BATCH = 1000;

/**
 * Keeps the delivery log bounded: every ten minutes, deletes finished deliveries older than
 * WEBHOOKS_LOG_RETENTION_DAYS, in batches. Pending ones are kept however old. Every replica runs
 * it; the deletes do not conflict.
 */
@Injectable()
export class DeliveryLogPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'webhook-log' });
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(WEBHOOKS_ENV) private readonly env: WebhooksEnv,
    private readonly deliveries: DeliveryRepository,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.prune().catch(() => undefined), EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pruning pass; resolves with how many deliveries it deleted. */
  async prune(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pruneAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.deliveries.pruneFinished(this.env.WEBHOOKS_LOG_RETENTION_DAYS, BATCH);
        total += n;
        if (n < BATCH) return total;
      }
    } catch (err) {
      this.log.warn({ err }, 'pruning the delivery log failed; will retry');
      throw err;
    }
  }
}
