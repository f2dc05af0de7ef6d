import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildOnce } from './support/build-once';
import { startPlatform } from './support/platform';
import { TEST_PLATFORM_ENV, TEST_WEBHOOKS_ENV } from './support/test-platform';

/**
 * Builds Parley and starts it as separate processes on the local NATS, Postgres and Redis: the
 * services once each and the gateway twice, so tests can prove that what happens through one
 * gateway holds on the other. Tests read the URLs and the operator key from the environment.
 */
export default async function globalSetup(): Promise<void> {
  buildOnce();
  const logDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-'));
  const adminKey = randomBytes(24).toString('hex');
  const presenceKeyPrefix = `parley:presence:e2e-${randomBytes(6).toString('hex')}`;
  // The webhook settings are exported too, so that a test restarting the webhooks process
  // (test/e2e/webhooks.e2e-spec.ts) starts it the same way.
  Object.assign(process.env, TEST_WEBHOOKS_ENV);
  const platform = await startPlatform({
    env: {
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_test',
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      ...TEST_PLATFORM_ENV,
      PARLEY_ADMIN_KEY: adminKey,
      DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '5',
      // Keeps this platform's presence apart from others on the same Redis.
      PRESENCE_KEY_PREFIX: presenceKeyPrefix,
    },
    randomPorts: true,
    gateways: 2,
    logDir,
  });
  process.env.PARLEY_E2E_GATEWAYS = platform.gatewayUrls.join(',');
  process.env.PARLEY_E2E_ADMIN_KEY = adminKey;
  process.env.PARLEY_E2E_PRESENCE_PREFIX = presenceKeyPrefix;
  process.env.PARLEY_E2E_LOGS = logDir;
  process.env.PARLEY_E2E_PROCESSES = JSON.stringify(platform.processes);
  (globalThis as { parleyPlatform?: { stop(): Promise<void> } }).parleyPlatform = platform;
}
