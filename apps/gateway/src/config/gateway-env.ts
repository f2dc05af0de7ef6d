import { BaseEnvSchema } from '@parley/common';
import { z } from 'zod';

export const GatewayEnvSchema = BaseEnvSchema.extend({
  /** Operator key guarding /admin/* (secret). */
  PARLEY_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters'),
  /** Seconds a verified credential is cached; revocations drop entries at once. */
  CREDENTIAL_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** Largest accepted request body, in bytes (CometChat's message JSON limit is 64 KB). */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
});
export type GatewayEnv = z.infer<typeof GatewayEnvSchema>;
export const GATEWAY_ENV = Symbol('GATEWAY_ENV');
