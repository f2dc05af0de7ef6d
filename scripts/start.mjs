#!/usr/bin/env node
// `npm start`: build, then run Parley.
// - NATS_URL, DATABASE_URL and REDIS_URL all unset: every service in this one process, on an
//   in-process broker and an embedded PostgreSQL per service, with no server to install
//   (ARCHITECTURE.md §9). Streams and databases are kept under DATA_DIR.
// - Any of them set: every service as its own process on that NATS, PostgreSQL and Redis (the
//   local servers for those unset). Each service migrates its schema as it starts.
// Either way, on first start an operator key, a JWT secret and a demo app are made and kept under
// DATA_DIR.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();

const require = createRequire(import.meta.url);
const { SERVICES, startEmbedded, startPlatform, root } = require('./platform.js');
const embedded = !process.env.NATS_URL && !process.env.DATABASE_URL && !process.env.REDIS_URL;

const dataDir = path.resolve(root, process.env.DATA_DIR ?? 'data');
mkdirSync(dataDir, { recursive: true });

function kept(file, make) {
  const p = path.join(dataDir, file);
  if (existsSync(p)) return { value: readFileSync(p, 'utf8').trim(), created: false };
  const value = make();
  writeFileSync(p, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}

const env = embedded
  ? // Seven services share the console: warnings and errors only, unless asked otherwise.
    { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }
  : {
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    };
const admin = process.env.PARLEY_ADMIN_KEY
  ? { value: process.env.PARLEY_ADMIN_KEY, created: false }
  : kept('admin-key', () => randomBytes(24).toString('hex'));
env.PARLEY_ADMIN_KEY = admin.value;
// Identity signs the real-time JWTs with it; kept so logins survive a restart.
env.PARLEY_JWT_SECRET =
  process.env.PARLEY_JWT_SECRET ?? kept('jwt-secret', () => randomBytes(32).toString('hex')).value;

console.log('parley: building');
execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const gatewayPort = Number(process.env.PORT ?? 3000);
console.log(
  embedded
    ? `parley: starting ${SERVICES.map((s) => s.name).join(', ')} in one process (data in ${dataDir})`
    : `parley: starting ${SERVICES.map((s) => s.name).join(', ')}`,
);
const platform = await (
  embedded
    ? startEmbedded({
        env,
        dataDir,
        gatewayPort,
        natsPort: process.env.EMBEDDED_NATS_PORT
          ? Number(process.env.EMBEDDED_NATS_PORT)
          : undefined,
        onProgress: (step) => console.log(`parley: ${step}`),
      })
    : startPlatform({ env, gatewayPort })
).catch((err) => {
  console.error('parley: failed to start:', err?.message ?? err);
  process.exit(1);
});
const url = platform.gatewayUrls[0];

const demoFile = path.join(dataDir, 'demo-app.json');
let demo;
if (existsSync(demoFile)) {
  demo = JSON.parse(readFileSync(demoFile, 'utf8'));
} else {
  const res = await fetch(`${url}/admin/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': admin.value },
    body: JSON.stringify({ name: 'Demo' }),
  });
  if (res.ok) {
    const { data } = await res.json();
    demo = {
      appId: data.appId,
      restApiKey: data.apiKeys[0].apiKey,
      authKey: data.apiKeys[1].apiKey,
    };
    writeFileSync(demoFile, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  }
}

console.log(`
Parley is running at ${url}
  operator key (x-admin-key): ${admin.value}${admin.created ? '   (new; kept in ' + path.join(dataDir, 'admin-key') + ')' : ''}
  demo app: ${demo ? `appId ${demo.appId}, REST API key ${demo.restApiKey}, Auth key ${demo.authKey}` : 'not created'}
  dashboard: ${url}/dashboard/${platform.natsUrl ? `\n  bus (NATS protocol, core subjects): ${platform.natsUrl}` : ''}
  try: curl -s ${url}/v3/users -H 'appid: ${demo?.appId ?? '<appId>'}' -H 'apikey: ${demo?.restApiKey ?? '<key>'}'
Ctrl-C stops it.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('parley: stopping');
    await platform.stop();
    process.exit(0);
  });
}
