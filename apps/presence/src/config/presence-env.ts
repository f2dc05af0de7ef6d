import { BaseEnvSchema } from '@parley/common';
import { z } from 'zod';

export const PresenceEnvSchema = BaseEnvSchema.extend({
  /**
   * Seconds a gateway's sockets count as online without a heartbeat from it: a gateway that died
   * takes its users offline within this (gateways beat three times per period).
   */
  PRESENCE_TTL_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  /** Prefix of presence's Redis keys: platforms sharing one Redis need different ones. */
  PRESENCE_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,100}$/, 'letters, digits, ":", "_" or "-"')
    .default('parley:presence'),
  /** Seconds a call rings before it ends as `unanswered` (the deadline is kept in Redis). */
  CALL_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(45),
});
export type PresenceEnv = z.infer<typeof PresenceEnvSchema>;
export const PRESENCE_ENV = Symbol('PRESENCE_ENV');
