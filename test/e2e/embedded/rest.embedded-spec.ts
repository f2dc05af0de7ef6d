/**
 * The part of the e2e suite that `npm test` runs against the one-process mode: the files below,
 * one after the other in one worker, as the services' embedded PostgreSQL has a single connection
 * each (several files at once queue on it until requests time out). The CometChat SDK contract
 * files reach its gateway through TLS put in front of it (test/e2e/support/tls-gateway.ts,
 * `startSdkGateway`); the files that watch or feed NATS subjects reach its bus over the NATS
 * protocol it serves for them (EMBEDDED_NATS_PORT). Tests that need separate processes (killing or
 * starting one) skip themselves there, each saying why (`itOnSeparateProcesses`).
 * `PARLEY_TEST_EMBEDDED=1 npm test -- --selectProjects e2e-embedded -i` runs every e2e file against
 * it instead, those of EMBEDDED_E2E_FULL_RUN_ONLY too (jest.config.js leaves out those in
 * EMBEDDED_E2E_EXCLUDED; `-i` runs them one at a time, for the reason above).
 */
export const EMBEDDED_E2E_FILES = [
  // The CometChat SDK's contract first: the part of the suite the one-process mode must not lose.
  'sdk-contract',
  'sdk-realtime',
  'sdk-calls',
  'sdk-online-counts',
  'sdk-two-gateways',
  'users',
  'users-lists',
  'me',
  'api-keys',
  'auth-tokens',
  'credentials',
  'admin-apps',
  'groups',
  'group-members',
  'conversations',
  'roles',
  'calls',
  'messages',
  'message-lifecycle',
  'message-filters',
  'message-threads',
  'message-mentions-interactions',
  'message-rules',
  'message-import',
  'receipts',
  'realtime',
  'realtime-resync',
  'typing-transient',
  'presence',
  'friends-blocks',
  'group-permissions',
  'bad-input',
  'rate-limits',
  'webhooks',
  'user-export',
  'parley-sdk',
];

/**
 * Files that pass against the one-process mode but that `npm test` has no time for there (it runs
 * them against the separate processes only); PARLEY_TEST_EMBEDDED=1 runs them against it too.
 */
export const EMBEDDED_E2E_FULL_RUN_ONLY: Record<string, string> = {
  'message-reactions': 'one of the longest files: many reactions on many messages',
  'authorization-matrix': 'one of the longest files: every route with every credential',
  'fuzz-bad-input': 'one of the longest files: generated bad input for every route',
  dashboard: 'one of the longest files: the operator dashboard in a headless browser',
};

/** The e2e files never run against the one-process mode, each with why. */
export const EMBEDDED_E2E_EXCLUDED: Record<string, string> = {
  'app-erasure': "reads every row of PostgreSQL's schemas and Redis's keys itself",
  'calls-restart': 'kills and restarts the presence process',
  chaos: 'starts and breaks a platform of its own',
  'sdk-gateway-failover': 'kills a gateway process behind a balancer',
  'migrations-job': 'starts service processes of its own on the servers',
  'user-erasure': "reads the stored rows in PostgreSQL's schemas itself",
  'realtime-tls': 'starts a TLS gateway process of its own',
};

for (const name of EMBEDDED_E2E_FILES) {
  describe(`${name}.e2e-spec`, () => {
    // Loading a file inside a describe registers its tests (and its hooks) there.
    jest.requireActual(`../${name}.e2e-spec`);
  });
}

// Last, so it holds for every file loaded above (each sets its own while it loads): the longest
// any of them asks for.
jest.setTimeout(180_000);
