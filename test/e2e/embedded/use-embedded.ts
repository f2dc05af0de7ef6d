// The e2e tests of the one-process mode: the same tests, pointed at the one-process platform (its
// single gateway serves as both gateways of the tests that use two).
const url = process.env.PARLEY_E2E_EMBEDDED_GATEWAYS ?? '';
process.env.PARLEY_E2E_GATEWAYS = `${url},${url}`;
// The tests' own NATS connections (watching subjects, publishing frames) reach the in-process bus.
process.env.NATS_URL = process.env.PARLEY_E2E_EMBEDDED_NATS;
process.env.PARLEY_E2E_ADMIN_KEY = process.env.PARLEY_E2E_EMBEDDED_ADMIN_KEY;
process.env.PARLEY_E2E_LOGS = process.env.PARLEY_E2E_EMBEDDED_LOGS;
process.env.PARLEY_E2E_PROCESSES = '[]';
process.env.PARLEY_E2E_EMBEDDED = '1';
