import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildOnce } from '../support/build-once';
import { TEST_PLATFORM_ENV } from '../support/test-platform';

/**
 * Starts Parley in the one-process mode (scripts/embedded.js), as `npm start` runs it with no
 * server set, in a fresh data folder. Its tests (test/e2e/embedded/use-embedded.ts) find its
 * gateway and operator key in the environment, as the e2e tests of the separate processes do.
 */
export default async function globalSetup(): Promise<void> {
  buildOnce();
  const root = path.resolve(__dirname, '../../..');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-embedded-'));
  const adminKey = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env, ...TEST_PLATFORM_ENV };
  // The one-process mode: no server named (the tests' own URLs stay in the tests' environment).
  for (const name of ['NATS_URL', 'DATABASE_URL', 'REDIS_URL']) delete env[name];
  const log = openSync(path.join(dataDir, 'parley.log'), 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', 'scripts/embedded.js'], {
    cwd: root,
    // The bus over the NATS protocol too, for the tests that watch or feed subjects themselves.
    env: {
      ...env,
      DATA_DIR: dataDir,
      PORT: '0',
      EMBEDDED_NATS_PORT: '0',
      PARLEY_ADMIN_KEY: adminKey,
    },
    stdio: ['ignore', 'pipe', log],
  });
  const ready = await new Promise<{ gatewayUrls: string[]; natsUrl: string }>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`parley exited with ${code} (see ${dataDir}/parley.log)`)),
    );
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
  });
  process.env.PARLEY_E2E_EMBEDDED_GATEWAYS = ready.gatewayUrls.join(',');
  process.env.PARLEY_E2E_EMBEDDED_NATS = ready.natsUrl;
  process.env.PARLEY_E2E_EMBEDDED_ADMIN_KEY = adminKey;
  process.env.PARLEY_E2E_EMBEDDED_LOGS = dataDir;
  (globalThis as { parleyEmbedded?: typeof child }).parleyEmbedded = child;
}
