/** Webhook retries and timeouts short enough to play out within a test. */
export const TEST_WEBHOOKS_ENV = {
  WEBHOOKS_TIMEOUT_MS: '1500',
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_RETRY_MAX_MS: '400',
  WEBHOOKS_MAX_ATTEMPTS: '4',
  WEBHOOKS_POLL_MS: '100',
};

/**
 * Settings of the platforms the end-to-end tests start (separate processes or one), so that what a
 * test waits for plays out within it.
 */
export const TEST_PLATFORM_ENV = {
  ...TEST_WEBHOOKS_ENV,
  // A killed gateway's users go offline within seconds, so tests can wait for it.
  PRESENCE_TTL_SECONDS: '3',
  // Calls nobody answers end as `unanswered` after this, so a test can wait for it.
  CALL_RING_TIMEOUT_SECONDS: '4',
  // Tests that check refusals send wrong operator keys from 127.0.0.1 (the authorisation matrix
  // alone sends dozens a minute); the limit's own test uses addresses of its own.
  OPERATOR_KEY_FAILURES_PER_IP_PER_MINUTE: '300',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  // Not random: platforms started on the same servers share NATS queue groups, so one run's
  // identity may check a JWT another run's identity signed (test/setup-env.ts uses the same).
  PARLEY_JWT_SECRET: process.env.PARLEY_JWT_SECRET ?? 'test-only-jwt-secret-0123456789abcdef',
};
