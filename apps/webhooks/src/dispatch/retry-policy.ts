import { Inject, Injectable } from '@nestjs/common';
import { DeliveryStatus } from '@parley/contracts';
import { WEBHOOKS_ENV, WebhooksEnv } from '../config/webhooks-env';
import { retryDelayMs } from './retry-schedule';

/** What follows an attempt: done, dead-lettered, or another attempt after a backoff. */
@Injectable()
export class RetryPolicy {
  constructor(@Inject(WEBHOOKS_ENV) private readonly env: WebhooksEnv) {}

  after(attempt: number, ok: boolean): { status: DeliveryStatus; retryInMs?: number } {
    if (ok) return { status: 'succeeded' };
    if (attempt >= this.env.WEBHOOKS_MAX_ATTEMPTS) return { status: 'failed' };
    return {
      status: 'pending',
      retryInMs: retryDelayMs(
        attempt,
        this.env.WEBHOOKS_RETRY_BASE_MS,
        this.env.WEBHOOKS_RETRY_MAX_MS,
      ),
    };
  }
}
