/**
 * The part of the e2e suite that `npm test` runs against the one-process mode: the REST and
 * WebSocket flows below, one file after the other in one worker, as the services' embedded
 * PostgreSQL has a single connection each (several files at once get 503s from timed-out requests).
 * `PARLEY_TEST_EMBEDDED=1 npm test -- --selectProjects e2e-embedded` runs every e2e file instead.
 */
export const EMBEDDED_E2E_FILES = [
  'users',
  'users-lists',
  'me',
  'groups',
  'group-members',
  'conversations',
  'roles',
  'calls',
  'message-filters',
  'message-threads',
  'friends-blocks',
  'group-permissions',
  'bad-input',
];

/** The e2e files left out, each with why it fails or does not apply in the one-process mode. */
export const EMBEDDED_E2E_EXCLUDED: Record<string, string> = {
  messages: 'watches the NATS subjects a message is published on',
  'message-lifecycle': 'watches the NATS subjects of edits and deletes',
  'message-reactions': 'watches the NATS subjects of reactions',
  receipts: 'watches the NATS subjects of receipts',
  realtime:
    'watches NATS itself; some delivery and bad-frame tests fail on the one-process gateway',
  webhooks: 'kills and restarts the webhooks process',
  'calls-restart': 'kills and restarts the presence process',
  chaos: 'starts and breaks a platform of its own',
  'sdk-gateway-failover': 'kills a gateway process',
  'sdk-contract': 'needs TLS on the gateway, which the one-process gateway does not serve',
  'migrations-job': 'starts service processes of its own on the servers',
  'realtime-tls': 'starts a TLS gateway process of its own',
  'api-keys': 'creates many apps at once; identity times out (503) on its single connection',
  'auth-tokens': 'creates many apps at once; identity times out (503) on its single connection',
  'every other file':
    'not yet run against the one-process mode in `npm test` (some check readiness of Redis and NATS)',
};

for (const name of EMBEDDED_E2E_FILES) {
  describe(`${name}.e2e-spec`, () => {
    // Loading a file inside a describe registers its tests (and its hooks) there.
    jest.requireActual(`../${name}.e2e-spec`);
  });
}

jest.setTimeout(60_000);
