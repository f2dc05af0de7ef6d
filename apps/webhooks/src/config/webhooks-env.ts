import { BaseEnvSchema } from '@parley/common';
import { z } from 'zod';

export const WEBHOOKS_ENV = Symbol('WEBHOOKS_ENV');

const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const WebhooksEnvSchema = BaseEnvSchema.extend({
  /** How long one delivery attempt may take (connect, send, answer) before it counts as failed. */
  WEBHOOKS_TIMEOUT_MS: ms(100, 120_000, 10_000),
  /** Attempts before a delivery is dead-lettered (status `failed`, redeliverable by hand). */
  WEBHOOKS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** Delay before the first retry; each later retry doubles it (with jitter), up to the maximum. */
  WEBHOOKS_RETRY_BASE_MS: ms(10, 3_600_000, 5_000),
  WEBHOOKS_RETRY_MAX_MS: ms(10, 24 * 3_600_000, 3_600_000),
  /** Attempts in flight to one endpoint at a time, across every webhooks replica. */
  WEBHOOKS_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** Attempts in flight in one webhooks process, all endpoints together. */
  WEBHOOKS_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(200),
  /** How often a worker looks for due deliveries (new events wake it at once in its own process). */
  WEBHOOKS_POLL_MS: ms(10, 60_000, 1_000),
  /** Days a finished (succeeded or failed) delivery stays in the log before it is deleted. */
  WEBHOOKS_LOG_RETENTION_DAYS: z.coerce.number().min(0.001).max(3650).default(30),
});
export type WebhooksEnv = z.infer<typeof WebhooksEnvSchema>;
