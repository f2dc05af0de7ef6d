import { BaseEnvSchema } from '@parley/common';
import { z } from 'zod';

/** An optional setting; empty counts as unset (compose passes `${X:-}` as ""). */
function optionalText<S extends z.ZodType<string>>(schema: S) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

export const GatewayEnvSchema = BaseEnvSchema.extend({
  /** Operator key guarding /admin/* (secret). */
  PARLEY_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters'),
  /**
   * Wrong operator keys one client address may send per minute; past it every operator request
   * from that address is `429 ERR_TOO_MANY_REQUESTS` until the minute ends.
   */
  OPERATOR_KEY_FAILURES_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Seconds a verified credential is cached; revocations drop entries at once. */
  CREDENTIAL_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** Seconds an app's rate limits are cached; a PATCH /admin/apps change applies within this. */
  RATE_LIMIT_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /** Largest accepted request body, in bytes (CometChat's message JSON limit is 64 KB). */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  /**
   * How clients reach the gateway (`https://chat.example.com`, optionally with a path prefix the
   * ingress strips), advertised to the client SDK in `settings`. Unset: taken from each request.
   */
  PUBLIC_URL: optionalText(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((u) => !/[?#]/.test(u), 'must have no query or fragment'),
  ),
  /**
   * Whose `X-Forwarded-For` to believe for the client's address (per-IP login limits): unset or
   * `false` none (the peer's address counts), `true` any, a number that many proxy hops, or a
   * comma-separated list of proxy addresses or CIDRs (e.g. the ingress's `10.0.0.0/8`).
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | number | string => {
      const s = (v ?? '').trim();
      if (s === '' || s === 'false') return false;
      if (s === 'true') return true;
      return /^\d+$/.test(s) ? Number(s) : s;
    }),
  /** PEM certificate (chain) and key files: the gateway then serves https and wss itself. */
  TLS_CERT_FILE: optionalText(z.string()),
  TLS_KEY_FILE: optionalText(z.string()),
}).superRefine((env, ctx) => {
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
    ctx.addIssue({
      code: 'custom',
      path: [env.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'],
      message: 'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    });
  }
});
export type GatewayEnv = z.infer<typeof GatewayEnvSchema>;
export const GATEWAY_ENV = Symbol('GATEWAY_ENV');
