// @ts-check

// One transform for every project: SWC with decorator metadata (Nest needs it), from .swcrc.
/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ],
};

const moduleNameMapper = {
  '^@parley/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  '^@parley/common$': '<rootDir>/libs/common/src/index.ts',
  '^@parley/common/testing$': '<rootDir>/libs/common/src/testing/index.ts',
  '^@parley/sdk$': '<rootDir>/libs/sdk/src/index.ts',
};

const base = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

/**
 * The e2e tests again, against the one-process mode of `npm start` (test/e2e/embedded). By default
 * the files listed in test/e2e/embedded/rest.embedded-spec.ts (the SDK contract among them), one
 * after the other against one platform; with PARLEY_TEST_EMBEDDED=1 every e2e file but those that
 * need separate processes throughout (EMBEDDED_E2E_EXCLUDED there, with the reasons); run those
 * with -i, as the platform's databases take one statement at a time.
 * @type {import('jest').Config}
 */
const embeddedE2e = {
  ...base,
  displayName: 'e2e-embedded',
  testMatch:
    process.env.PARLEY_TEST_EMBEDDED === '1'
      ? ['<rootDir>/test/e2e/**/*.e2e-spec.ts']
      : ['<rootDir>/test/e2e/embedded/*.embedded-spec.ts'],
  // EMBEDDED_E2E_EXCLUDED of test/e2e/embedded/rest.embedded-spec.ts: they start, kill or inspect
  // processes and servers of their own.
  testPathIgnorePatterns: [
    '/node_modules/',
    '/app-erasure\\.',
    '/calls-restart\\.',
    '/chaos\\.',
    '/sdk-gateway-failover\\.',
    '/migrations-job\\.',
    '/realtime-tls\\.',
    '/user-erasure\\.',
  ],
  setupFiles: ['<rootDir>/test/setup-env.ts', '<rootDir>/test/e2e/embedded/use-embedded.ts'],
  globalSetup: '<rootDir>/test/e2e/embedded/global-setup.ts',
  globalTeardown: '<rootDir>/test/e2e/embedded/global-teardown.ts',
};

/**
 * Three kinds of test (ARCHITECTURE.md §11):
 * - unit: `*.spec.ts` beside the code, collaborators mocked; plus the deployment file checks and
 *   the checks of the e2e tests' own support code (the chaos history checker).
 * - integration: `*.int-spec.ts`, services in-process against real Postgres and NATS (beside the code,
 *   or in test/integration when a test boots several services).
 * - e2e: `test/e2e/**\/*.e2e-spec.ts`, the platform started as separate processes, driven over HTTP.
 */
/** @type {import('jest').Config} */
const config = {
  // The suites mostly wait on the platform's I/O, so more workers than the 2 cores pay off.
  maxWorkers: 3,
  // The one-process e2e file first (test/sequencer.js says why).
  testSequencer: '<rootDir>/test/sequencer.js',
  // Whole-platform and integration tests wait on real services and on events crossing the stream
  // (a per-project testTimeout is not honoured, so it is set here for all).
  testTimeout: 30_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{apps,libs}/**/*.spec.ts',
        '<rootDir>/test/deploy/**/*.spec.ts',
        '<rootDir>/test/e2e/support/**/*.spec.ts',
      ],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{apps,libs}/**/*.int-spec.ts',
        '<rootDir>/test/integration/**/*.int-spec.ts',
      ],
      setupFiles: ['<rootDir>/test/setup-env.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
    embeddedE2e,
  ],
};

module.exports = config;
