#!/usr/bin/env node
// `npm test`: every Jest project (unit, integration, e2e, e2e-embedded); arguments pass through to Jest.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();
const require = createRequire(import.meta.url);
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, '--ci', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
