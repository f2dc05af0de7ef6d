// Tests use their own database on the local servers unless told otherwise.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/parley_test';
process.env.NATS_URL ??= 'nats://127.0.0.1:4222';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
process.env.LOG_LEVEL ??= 'warn';
// Suites run in parallel beside the e2e platform: small pools keep PostgreSQL's connections
// (100 by default) enough for all of them.
process.env.DB_POOL_SIZE ??= '4';
// Identity refuses to boot without a JWT secret; in-process tests get a fixed one.
process.env.PARLEY_JWT_SECRET ??= 'test-only-jwt-secret-0123456789abcdef';
