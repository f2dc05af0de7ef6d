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
});
export type PresenceEnv = z.infer<typeof PresenceEnvSchema>;
export const PRESENCE_ENV = Symbol('PRESENCE_ENV');
