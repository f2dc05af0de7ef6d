#!/usr/bin/env node
// Writes docs/events.md from the contracts (libs/contracts/src/catalogue/event-catalogue.ts), as
// compiled by `node scripts/build.mjs` (`npm run docs:events` runs both).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { renderEventCatalogue } = require(
  path.join(root, 'dist/libs/contracts/catalogue/event-catalogue.js'),
);
writeFileSync(path.join(root, 'docs/events.md'), renderEventCatalogue());
console.log('docs/events.md written');
