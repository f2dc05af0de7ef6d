import { WebhookReceiver } from '@parley/common/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import {
  adminKey,
  AppClient,
  AppKeys,
  createApp,
  eventually,
  gateways,
  http,
} from './support/parley';
import { form as interactiveForm } from './support/messaging-world';
import { login, TestSocket } from './support/realtime-client';
import {
  databaseUrl,
  linkedIdsOf,
  redisEntriesOfApp,
  redisUrl,
  rowsOfApp,
} from './support/stored-data';

/**
 * Deleting an app (DELETE /admin/apps/{appId}) erases every row of it in every schema and every
 * Redis key of it. The app first gets data in every service, and every table is checked to hold
 * some of it, so the test proves the erasure of each; the tables are read from
 * information_schema, so a table added later is checked without being named here.
 */
jest.setTimeout(120_000);

const admin = (method: string, path: string, body?: unknown) =>
  http<{ data: { id?: string } }>(method, `${gateways()[0]}/admin${path}`, {
    headers: { 'x-admin-key': adminKey() },
    body,
  });

const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
  const res = await pending;
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { data: Record<string, unknown> };
};

const sockets: TestSocket[] = [];
const receivers: WebhookReceiver[] = [];
let db: Client;
let redis: Redis;

beforeAll(async () => {
  db = new Client({ connectionString: databaseUrl() });
  await db.connect();
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(receivers.map((r) => r.down()));
  await db.end();
  redis.disconnect();
});

/** Gives `app` data in every service: users, roles, relationships, groups, messages, calls, … */
async function populate(app: AppKeys) {
  const receiver = await WebhookReceiver.start();
  receivers.push(receiver);
  await ok(
    admin('POST', `/apps/${app.appId}/webhooks`, {
      name: 'All messages',
      webhookURL: receiver.url,
      triggers: ['message_sent'],
    }),
  );
  const rest = AppClient.rest(app);
  const as = (uid: string) => new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });
  const alice = await login(app, 'alice');
  const bob = await login(app, 'bob');
  for (const who of [alice, bob])
    sockets.push(await TestSocket.authenticated(gateways()[1], who, app.appId, `${who.uid}-1`));
  await ok(rest.post('/roles', { role: 'mod', name: 'Moderator' }));
  for (const uid of ['carol', 'dan', 'eve'])
    await ok(rest.post('/users', { uid, name: uid, role: 'mod', tags: ['t'], metadata: { a: 1 } }));
  await ok(rest.post('/users/alice/friends', { accepted: ['bob'] }));
  await ok(rest.post('/users/alice/blockedusers', { blockedUids: ['dan'] }));
  await ok(rest.delete('/users', { uidsToDeactivate: ['dan'] }));
  // A user erased for good: each service records the erasure.
  await ok(rest.post('/users', { uid: 'frank', name: 'frank' }));
  await ok(rest.delete('/users/frank', { permanent: true }));
  await ok(
    as('alice').post('/groups', {
      guid: 'team',
      name: 'Team',
      type: 'public',
      members: { participants: ['bob', 'carol', 'eve'] },
    }),
  );
  await ok(rest.post('/groups/team/bannedusers/eve'));

  const aliceApi = new AppClient(app.appId, { authtoken: alice.authToken });
  const bobApi = new AppClient(app.appId, { authtoken: bob.authToken });
  const sent = await ok(
    aliceApi.post('/messages', {
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: { text: 'hello <@uid:bob>' },
      tags: ['first'],
    }),
  );
  const id = String(sent.data.id);
  await ok(aliceApi.put(`/messages/${id}`, { data: { text: 'hello again' } }));
  await ok(bobApi.post(`/messages/${id}/reactions/${encodeURIComponent('👍')}`));
  await ok(
    bobApi.post('/messages', {
      receiver: 'alice',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: { text: 'a reply' },
      parentId: id,
    }),
  );
  const form = await ok(aliceApi.post('/messages', interactiveForm('bob', { type: 'none' })));
  await ok(
    bobApi.request('PATCH', `/messages/${String(form.data.id)}/interacted`, {
      interactions: ['name'],
    }),
  );
  await ok(bobApi.post('/users/alice/conversation/delivered', { messageId: id }));
  await ok(bobApi.post('/users/alice/conversation/read', { messageId: id }));
  await ok(bobApi.put('/users/alice/conversation', { tags: ['kept'] }));
  await ok(
    aliceApi.post('/messages', {
      receiver: 'team',
      receiverType: 'group',
      category: 'message',
      type: 'text',
      data: { text: 'hi team' },
    }),
  );
  // A call left ringing: its state is in presence's Redis, its log in messaging.
  await ok(
    aliceApi.post('/calls', {
      receiver: 'bob',
      receiverType: 'user',
      type: 'audio',
      category: 'call',
    }),
  );
  await eventually(async () => expect(receiver.requests.length).toBeGreaterThan(0), 30_000);
}

describe('deleting an app', () => {
  it('erases every row of it in every schema and every Redis key, and nothing of another app', async () => {
    const [gone, kept] = await Promise.all([createApp('Erased'), createApp('Kept')]);
    await Promise.all([populate(gone), populate(kept)]);
    const presencePrefix = process.env.PARLEY_E2E_PRESENCE_PREFIX as string;

    // Every table holds data of the app (the read models fill from events), so the erasure of
    // each is proved below; the same for the kinds of Redis keys.
    const linked = await linkedIdsOf(db, gone.appId);
    const allTables = await db.query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_name NOT IN ('migrations', 'outbox')
         AND table_schema IN (SELECT table_schema FROM information_schema.tables
                              WHERE table_name = 'migrations' AND table_schema <> 'public')`,
    );
    await eventually(async () => {
      const held = await rowsOfApp(db, gone.appId, linked);
      expect(allTables.rows.map((r) => r.t).filter((t) => !held[t])).toEqual([]);
    }, 30_000);
    const keys = await redisEntriesOfApp(redis, gone.appId, presencePrefix);
    for (const kind of [
      'rl:',
      ':conns:',
      ':online:',
      ':last:',
      ':call:',
      ':oncall:',
      ':gw:',
      ':ringing',
    ])
      expect(keys.filter((k) => k.includes(kind))).not.toEqual([]);
    const keptBefore = await rowsOfApp(db, kept.appId, await linkedIdsOf(db, kept.appId));

    const deleted = await admin('DELETE', `/apps/${gone.appId}`);
    expect(deleted.status).toBe(200);

    await eventually(async () => {
      expect(await rowsOfApp(db, gone.appId, linked)).toEqual({});
      expect(await redisEntriesOfApp(redis, gone.appId, presencePrefix)).toEqual([]);
    }, 30_000);
    // The other app keeps every table's rows.
    const keptAfter = await rowsOfApp(db, kept.appId, await linkedIdsOf(db, kept.appId));
    expect(Object.keys(keptAfter).sort()).toEqual(
      Object.keys(keptBefore)
        .filter((t) => !t.endsWith('.outbox'))
        .sort(),
    );
  });
});
