import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPlatform } from './support/platform';

/**
 * Builds Parley and starts it as separate processes on the local NATS, Postgres and Redis: the
 * services once each and the gateway twice, so tests can prove that what happens through one
 * gateway holds on the other. Tests read the URLs and the operator key from the environment.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  const logDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-'));
  const adminKey = randomBytes(24).toString('hex');
  const presenceKeyPrefix = `parley:presence:e2e-${randomBytes(6).toString('hex')}`;
  // Webhook retries and timeouts short enough to play out within a test; exported so that a test
  // restarting the webhooks process (test/e2e/webhooks.e2e-spec.ts) starts it the same way.
  Object.assign(process.env, {
    WEBHOOKS_TIMEOUT_MS: '1500',
    WEBHOOKS_RETRY_BASE_MS: '100',
    WEBHOOKS_RETRY_MAX_MS: '400',
    WEBHOOKS_MAX_ATTEMPTS: '4',
    WEBHOOKS_POLL_MS: '100',
  });
  const platform = await startPlatform({
    env: {
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_test',
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PARLEY_ADMIN_KEY: adminKey,
      // Not random: platforms started on the same servers share NATS queue groups, so one run's
      // identity may check a JWT another run's identity signed (test/setup-env.ts uses the same).
      PARLEY_JWT_SECRET: process.env.PARLEY_JWT_SECRET ?? 'test-only-jwt-secret-0123456789abcdef',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '5',
      // A killed gateway's users go offline within seconds, so tests can wait for it; the key
      // prefix keeps this platform's presence apart from others on the same Redis.
      PRESENCE_TTL_SECONDS: '3',
      PRESENCE_KEY_PREFIX: presenceKeyPrefix,
      // Calls nobody answers end as `unanswered` after this, so a test can wait for it.
      CALL_RING_TIMEOUT_SECONDS: '4',
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
