import { ServiceSpec } from '@parley/common';
import { runEmbedded } from '../../libs/common/src/embedded/run-embedded';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICES } = require('../../scripts/platform.js') as { SERVICES: Array<{ name: string }> };
const specs = SERVICES.map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (s) => (require(`../../apps/${s.name}/src/service`) as { SERVICE: ServiceSpec }).SERVICE,
);

/**
 * The one-process mode keeps what it was given across a restart: apps, users, groups, messages,
 * and its streams, whose consumers go on from where they were. The databases here are the test
 * PostgreSQL (each service in its own schema); the streams live in a fresh data folder.
 */
jest.setTimeout(60_000);

const adminKey = randomBytes(16).toString('hex');
process.env.PARLEY_ADMIN_KEY = adminKey;

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'parley-embedded-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = () =>
  runEmbedded({
    services: specs,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    openDatabase: async () => ({
      url: process.env.DATABASE_URL as string,
      poolSize: 2,
      stop: async () => undefined,
    }),
  });

async function call(url: string, method: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: unknown; error?: unknown };
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

it('keeps apps, users, groups and messages across a restart, and goes on from there', async () => {
  let platform = await start();
  const app = (await call(
    `${platform.url}/admin/apps`,
    'POST',
    { 'x-admin-key': adminKey },
    { name: 'Restart' },
  )) as { appId: string; apiKeys: Array<{ apiKey: string }> };
  const as = (uid: string) => ({
    appid: app.appId,
    apikey: app.apiKeys[0].apiKey,
    onbehalfof: uid,
  });
  const api = (p: string) => `${platform.url}/v3${p}`;
  for (const uid of ['alice', 'bob'])
    await call(api('/users'), 'POST', as(uid), { uid, name: uid });
  await call(api('/groups'), 'POST', as('alice'), {
    guid: 'team',
    name: 'Team',
    type: 'public',
    members: { participants: ['bob'] },
  });
  const text = (t: string) => ({
    receiver: 'team',
    receiverType: 'group',
    category: 'message',
    type: 'text',
    data: { text: t },
  });
  await call(api('/messages'), 'POST', as('alice'), text('before'));
  await platform.stop();

  platform = await start();
  const users = (await call(api('/users'), 'GET', as('alice'))) as Array<{ uid: string }>;
  expect(users.map((u) => u.uid).sort()).toEqual(['alice', 'bob']);
  const members = (await call(api('/groups/team/members'), 'GET', as('bob'))) as Array<{
    uid: string;
  }>;
  expect(members.map((m) => m.uid).sort()).toEqual(['alice', 'bob']);
  // Events after the restart still reach the consumers: carol, made now, may be added and write.
  await call(api('/users'), 'POST', as('carol'), { uid: 'carol', name: 'carol' });
  await call(api('/groups/team/members'), 'POST', as('alice'), { participants: ['carol'] });
  await call(api('/messages'), 'POST', as('carol'), text('after'));
  const messages = (await call(api('/groups/team/messages'), 'GET', as('bob'))) as Array<{
    type: string;
    data: { text?: string };
  }>;
  expect(messages.filter((m) => m.type === 'text').map((m) => m.data.text)).toEqual([
    'before',
    'after',
  ]);
  await platform.stop();
});
