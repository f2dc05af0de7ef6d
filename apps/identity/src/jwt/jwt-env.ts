import { z } from 'zod';

/** Identity's own settings for the real-time JWT (validated at boot with the rest of its env). */
export const JwtEnvSchema = z.object({
  /** HMAC key of the HS256 JWTs (secret; never logged). */
  PARLEY_JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
});
export type JwtEnv = z.infer<typeof JwtEnvSchema>;
export const JWT_ENV = Symbol('JWT_ENV');
