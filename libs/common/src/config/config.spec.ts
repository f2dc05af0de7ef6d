import { z } from 'zod';
import { BaseEnvSchema, ConfigError, loadConfig } from './config';

/** The ConfigError that loading `env` throws. */
function configErrorFor(env: NodeJS.ProcessEnv, schema: z.ZodType = BaseEnvSchema): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig(BaseEnvSchema, {})).toEqual({
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/parley',
      REDIS_URL: 'redis://127.0.0.1:6379',
      NATS_STREAM_REPLICAS: 1,
      RPC_TIMEOUT_MS: 5000,
      MIGRATIONS_RUN: true,
      DB_POOL_SIZE: 10,
      MIGRATIONS_WAIT_SECONDS: 600,
    });
  });

  it('reads the given environment, not the process one, converting strings to their types', () => {
    const env = loadConfig(BaseEnvSchema, {
      RPC_TIMEOUT_MS: '750',
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://db.internal/parley',
    });
    expect(env).toMatchObject({
      RPC_TIMEOUT_MS: 750,
      MIGRATIONS_RUN: false,
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://db.internal/parley',
    });
  });

  it('refuses a bad value with a one-line ConfigError naming the variable', () => {
    const err = configErrorFor({ RPC_TIMEOUT_MS: 'soon' });
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/RPC_TIMEOUT_MS/);
    expect(err.message).not.toMatch(/\n/);
  });

  it('names every bad variable in the same line', () => {
    const err = configErrorFor({ RPC_TIMEOUT_MS: '10', LOG_LEVEL: 'loud', MIGRATIONS_RUN: 'yes' });
    expect(err.message).toMatch(/RPC_TIMEOUT_MS/);
    expect(err.message).toMatch(/LOG_LEVEL/);
    expect(err.message).toMatch(/MIGRATIONS_RUN/);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('says what is wrong with a URL without echoing the (secret) value', () => {
    const err = configErrorFor({ DATABASE_URL: 'mysql://root:hunter2@db/parley' });
    expect(err.message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(err.message).not.toContain('hunter2');
  });

  it('names a required variable that is missing from a service schema', () => {
    const ServiceEnv = BaseEnvSchema.extend({ PARLEY_ADMIN_KEY: z.string().min(16) });
    expect(configErrorFor({}, ServiceEnv).message).toMatch(/PARLEY_ADMIN_KEY/);
  });
});
