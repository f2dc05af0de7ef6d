import { WebhooksEnvSchema } from '../config/webhooks-env';
import { RetryPolicy } from './retry-policy';

const policy = new RetryPolicy(
  WebhooksEnvSchema.parse({
    WEBHOOKS_MAX_ATTEMPTS: '3',
    WEBHOOKS_RETRY_BASE_MS: '100',
    WEBHOOKS_RETRY_MAX_MS: '1000',
  }),
);

describe('RetryPolicy', () => {
  it('a 2xx ends the delivery', () => {
    expect(policy.after(1, true)).toEqual({ status: 'succeeded' });
    expect(policy.after(3, true)).toEqual({ status: 'succeeded' });
  });

  it('a failure before the last attempt schedules another after a backoff', () => {
    const next = policy.after(2, false);
    expect(next.status).toBe('pending');
    expect(next.retryInMs).toBeGreaterThanOrEqual(100);
    expect(next.retryInMs).toBeLessThanOrEqual(200);
  });

  it('the last attempt failing dead-letters the delivery', () => {
    expect(policy.after(3, false)).toEqual({ status: 'failed' });
  });
});
