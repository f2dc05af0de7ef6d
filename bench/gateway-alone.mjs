#!/usr/bin/env node
// `node bench/gateway-alone.mjs [send|list] [seconds] [dist]`: the gateway's own CPU-ms per request,
// apart from the rest of the platform. Starts `<dist>/apps/gateway/main.js` (default: dist/, as
// `node scripts/build.mjs` writes it) on NATS_URL and Redis (REDIS_URL, else the local one), answers
// the RPCs it makes (identity's verify and app, messaging's send and page, presence) with fixed
// replies from this process, keeps 32 requests in flight for 3 s of warm-up and then `seconds`
// (default 8), and prints the gateway's CPU-ms per request from /proc. `send` is T2's request
// (POST /v3/messages with onBehalfOf), `list` H1's (a page of 50 of a 1:1 conversation). Build two
// trees (before and after a change) into two directories and run them alternately.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const { connect } = require('nats');
const { Pool } = require('undici');

const [kind = 'send', seconds = '8', dist = path.join(root, 'dist')] = process.argv.slice(2);
const CONCURRENCY = 32;
const ok = (data) => Buffer.from(JSON.stringify({ ok: true, data }));
const user = (uid) => ({ uid, name: uid, status: 'online', role: 'default', lastActiveAt: 1.7e9 });
const message = (id) => ({
  id,
  muid: `m${id}`,
  conversationId: 'alice_user_bob',
  sender: 'alice',
  receiverType: 'user',
  receiver: 'bob',
  category: 'message',
  type: 'text',
  data: {
    text: 'hello there, a message of a benchmark',
    entities: {
      sender: { entity: user('alice'), entityType: 'user' },
      receiver: { entity: user('bob'), entityType: 'user' },
    },
  },
  sentAt: 1.7e9,
  updatedAt: 1.7e9,
  seq: Number(id),
});

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const answer = (subject, data) => nc.subscribe(subject, { callback: (_e, m) => m.respond(data) });
const unlimited = 1e9;
answer('rpc.identity.verify', ok({ appId: 'gatewayalone', kind: 'fullAccess' }));
answer(
  'rpc.identity.app.get',
  ok({
    appId: 'gatewayalone',
    limits: {
      coreRequestsPerMinute: unlimited,
      standardRequestsPerMinute: unlimited,
      userMessagesPerMinute: unlimited,
      loginsPerIpPerMinute: unlimited,
    },
  }),
);
answer('rpc.presence.>', ok({}));
answer('rpc.messaging.message.send', ok(message('1')));
answer(
  'rpc.messaging.message.list',
  ok({
    items: Array.from({ length: 50 }, (_, i) => message(String(i + 1))),
    meta: { current: { limit: 50, count: 50 } },
  }),
);

const port = 20000 + Math.floor(Math.random() * 20000);
const gateway = spawn(process.execPath, [path.join(dist, 'apps/gateway/main.js')], {
  env: {
    ...process.env,
    NODE_PATH: path.join(root, 'node_modules'), // for a tree built into another directory
    PORT: String(port),
    PARLEY_ADMIN_KEY: 'gateway-alone-admin-key',
    LOG_LEVEL: 'error',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/docs`);
    break;
  } catch {
    if (i > 300) throw new Error('the gateway did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The gateway's CPU time so far, ms (user + system, in clock ticks of 10 ms). */
function cpuMs() {
  const fields = readFileSync(`/proc/${gateway.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const pool = new Pool(base, { connections: CONCURRENCY });
const headers = { appid: 'gatewayalone', apikey: 'key', onbehalfof: 'alice' };
const sendBody = JSON.stringify({
  receiver: 'bob',
  receiverType: 'user',
  category: 'message',
  type: 'text',
  data: { text: 'hello there' },
});
async function once() {
  const res =
    kind === 'send'
      ? await pool.request({
          method: 'POST',
          path: '/v3/messages',
          headers: { ...headers, 'content-type': 'application/json' },
          body: sendBody,
        })
      : await pool.request({
          method: 'GET',
          path: '/v3/users/bob/messages?limit=50&affix=prepend&id=100',
          headers,
        });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${kind}: status ${res.statusCode}`);
}
async function load(ms) {
  let count = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await once();
        count++;
      }
    }),
  );
  return count;
}

await load(3000);
const cpuBefore = cpuMs();
const startedAt = Date.now();
const requests = await load(Number(seconds) * 1000);
const cpu = cpuMs() - cpuBefore;
const elapsed = (Date.now() - startedAt) / 1000;
console.log(
  JSON.stringify({
    kind,
    dist,
    requests,
    perSecond: Math.round(requests / elapsed),
    gatewayCpuMsPerRequest: Number((cpu / requests).toFixed(3)),
  }),
);
// The gateway's graceful stop still asks presence (answered above), so NATS closes last.
await pool.close();
const exited = new Promise((resolve) => gateway.once('exit', resolve));
gateway.kill('SIGTERM');
const stop = setTimeout(() => gateway.kill('SIGKILL'), 15_000);
await exited;
clearTimeout(stop);
await nc.close();
