import { z } from 'zod';

/** Environment every service reads (ARCHITECTURE.md "Configuration"). */
export const BaseEnvSchema = z.object({
  NODE_ENV: z.string().default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/parley'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Servers of the NATS cluster that keep a copy of each JetStream stream (3 in production). */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** Milliseconds an RPC may take before the caller gives up. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5000),
  /** Run pending migrations at start (the migrations Job sets this off for the services). */
  MIGRATIONS_RUN: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Connections each service process keeps to PostgreSQL at most (its pool). */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** With MIGRATIONS_RUN=false: how long a service waits at start for the migrations Job. */
  MIGRATIONS_WAIT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
});
export type BaseEnv = z.infer<typeof BaseEnvSchema>;

/** Keys whose values are never logged. */
export const SECRET_KEYS = new Set([
  'PARLEY_ADMIN_KEY',
  'PARLEY_JWT_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
]);

export class ConfigError extends Error {}

/**
 * Validate the environment once at boot. A bad value throws ConfigError whose message is one line
 * naming every bad variable; `main` prints it and exits.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid configuration: ${problems}`);
}
