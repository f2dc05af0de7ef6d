import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { keepUntilTeardown } from './support/platform';
import { freePort } from './support/private-servers';
import {
  connectTestBus,
  hasValidSignature,
  recordSubject,
  WebhookReceiver,
} from '@parley/common/testing';
import { NatsMessageBus } from '@parley/common';
import { WEBHOOK_TRIGGERS } from '@parley/contracts';
import {
  adminKey,
  AppClient,
  AppKeys,
  createApp,
  ErrorReply,
  eventually,
  gateways,
  http,
} from './support/parley';

/**
 * Webhooks end to end: endpoints managed through the operator API, events caused through the
 * REST API, deliveries taken by real HTTP receivers. The platform runs with short retry timings
 * (global-setup.ts: 4 attempts, 100-400 ms backoff, 1.5 s timeout).
 */
jest.setTimeout(90_000);

interface Webhook {
  id: string;
  name: string;
  webhookURL: string;
  triggers: string[];
  useBasicAuth: boolean;
  username?: string;
  enabled: boolean;
  signingSecret: string;
}
interface Delivery {
  id: string;
  trigger: string;
  eventId: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  attemptLog: Array<{ attempt: number; statusCode?: number; error?: string }>;
}

const admin = (method: string, url: string, body?: unknown) =>
  http<{ data: unknown; meta?: unknown } & Partial<ErrorReply>>(method, `${gateways()[0]}${url}`, {
    headers: { 'x-admin-key': adminKey() },
    body,
  });

const receivers: WebhookReceiver[] = [];
async function receiver(...args: Parameters<typeof WebhookReceiver.start>) {
  const r = await WebhookReceiver.start(...args);
  receivers.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.down()));
});

async function createWebhook(app: AppKeys, body: Record<string, unknown>): Promise<Webhook> {
  const res = await admin('POST', `/admin/apps/${app.appId}/webhooks`, { name: 'Hook', ...body });
  expect(res.status).toBe(200);
  return res.body.data as Webhook;
}

async function deliveries(app: AppKeys, id: string, query = ''): Promise<Delivery[]> {
  const res = await admin('GET', `/admin/apps/${app.appId}/webhooks/${id}/deliveries?${query}`);
  expect(res.status).toBe(200);
  return res.body.data as Delivery[];
}

describe('operator API', () => {
  it('creates, lists, gets, updates, disables and deletes webhooks; the password is never shown', async () => {
    const app = await createApp();
    const base = `/admin/apps/${app.appId}/webhooks`;
    const created = await createWebhook(app, {
      id: 'Orders',
      webhookURL: 'https://example.com/hook',
      triggers: ['message_sent'],
      useBasicAuth: true,
      username: 'u',
      password: 'p',
    });
    expect(created).toMatchObject({
      id: 'orders',
      name: 'Hook',
      triggers: ['message_sent'],
      useBasicAuth: true,
      username: 'u',
      enabled: true,
    });
    expect(created.signingSecret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(created).not.toHaveProperty('password');

    const list = await admin('GET', base);
    expect(list.body.data).toEqual([created]);
    expect(list.body.meta).toMatchObject({ pagination: { total: 1, count: 1 } });
    expect((await admin('GET', `${base}/ORDERS`)).body.data).toEqual(created);

    const disabled = await admin('PUT', `${base}/orders`, { enabled: false, name: 'Renamed' });
    expect(disabled.body.data).toMatchObject({ enabled: false, name: 'Renamed' });
    const enabled = await admin('PUT', `${base}/orders`, { enabled: true });
    expect(enabled.body.data).toMatchObject({ enabled: true, name: 'Renamed' });

    const added = await admin('POST', `${base}/orders/triggers`, {
      triggerIds: ['group_created', 'message_sent'],
    });
    expect(added.body.data).toEqual({ triggerIds: ['message_sent', 'group_created'] });
    const removed = await admin('DELETE', `${base}/orders/triggers`, {
      triggerIds: ['message_sent'],
    });
    expect(removed.body.data).toEqual({ triggerIds: ['group_created'] });
    expect((await admin('GET', `${base}/orders/triggers`)).body.data).toEqual({
      triggerIds: ['group_created'],
    });

    const gone = await admin('DELETE', `${base}/orders`);
    expect(gone.status).toBe(200);
    expect(gone.body.data).toMatchObject({ success: true });
    const missing = await admin('GET', `${base}/orders`);
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('ERR_WEBHOOK_NOT_FOUND');
  });

  it('lists every trigger with the event that fires it', async () => {
    const app = await createApp();
    const res = await admin('GET', `/admin/apps/${app.appId}/webhooks/triggers`);
    expect(res.status).toBe(200);
    const triggers = res.body.data as Array<{ trigger: string; subject: string }>;
    expect(triggers.map((t) => t.trigger)).toEqual(WEBHOOK_TRIGGERS.map((t) => t.trigger));
    expect(triggers.find((t) => t.trigger === 'message_sent')?.subject).toBe(
      'evt.messaging.{appId}.message.created',
    );
  });

  it('refuses bad input with CometChat errors and changes nothing', async () => {
    const app = await createApp();
    const base = `/admin/apps/${app.appId}/webhooks`;
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'x', webhookURL: 'ftp://example.com' }, 400, 'ERR_BAD_REQUEST'],
      [{ name: 'x', webhookURL: 'https://u:p@example.com' }, 400, 'ERR_BAD_REQUEST'],
      [
        { name: 'x', webhookURL: 'https://e.com', triggers: ['nope'] },
        404,
        'ERR_TRIGGER_NOT_FOUND',
      ],
      [{ name: 'x', webhookURL: 'https://e.com', useBasicAuth: true }, 400, 'ERR_BAD_REQUEST'],
      [{ name: 'x', webhookURL: 'https://e.com', extra: 1 }, 400, 'ERR_BAD_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const res = await admin('POST', base, body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    expect((await admin('GET', base)).body.data).toEqual([]);

    const noApp = await admin('POST', `/admin/apps/no-such-app-${Date.now()}/webhooks`, {
      name: 'x',
      webhookURL: 'https://e.com',
    });
    expect([noApp.status, noApp.body.error?.code]).toEqual([404, 'ERR_APP_NOT_FOUND']);

    const noKey = await http<ErrorReply>('GET', `${gateways()[0]}${base}`);
    expect([noKey.status, noKey.body.error.code]).toEqual([403, 'AUTH_ERR_NO_ACCESS']);

    await createWebhook(app, { id: 'dup', webhookURL: 'https://e.com' });
    const dup = await admin('POST', base, { id: 'dup', name: 'x', webhookURL: 'https://e.com' });
    expect([dup.status, dup.body.error?.code]).toEqual([409, 'ERR_WEBHOOK_ALREADY_EXISTS']);
    const badDelivery = await admin('POST', `${base}/dup/deliveries/not-a-uuid/redeliver`);
    expect(badDelivery.status).toBe(400);
    const noDelivery = await admin(
      'POST',
      `${base}/dup/deliveries/00000000-0000-4000-8000-000000000000/redeliver`,
    );
    expect([noDelivery.status, noDelivery.body.error?.code]).toEqual([
      404,
      'ERR_WEBHOOK_DELIVERY_NOT_FOUND',
    ]);
  });

  it('deleting an app erases its webhooks', async () => {
    const app = await createApp();
    await createWebhook(app, { webhookURL: 'https://e.com' });
    expect(await admin('DELETE', `/admin/apps/${app.appId}`)).toMatchObject({ status: 200 });
    await eventually(async () => {
      const res = await admin('GET', `/admin/apps/${app.appId}/webhooks`);
      expect(res.body.data).toEqual([]);
    });
  });
});

describe('deliveries', () => {
  let bus: NatsMessageBus;
  beforeAll(async () => {
    bus = await connectTestBus();
  });
  afterAll(async () => {
    await bus?.close();
  });

  it('every trigger fires once per event, signed, in the envelope', async () => {
    const app = await createApp();
    const r = await receiver();
    const hook = await createWebhook(app, {
      webhookURL: r.url,
      triggers: WEBHOOK_TRIGGERS.map((t) => t.trigger),
    });
    // What the services publish for this app, to count the events each trigger stands for.
    const published = await recordSubject(bus, `evt.*.${app.appId}.>`);

    const rest = AppClient.rest(app);
    const as = (uid: string) => new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });
    const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
      const res = await pending;
      expect([res.status, res.body]).toEqual([200, expect.anything()]);
    };
    for (const uid of ['ann', 'bob', 'cat']) await ok(rest.post('/users', { uid, name: uid }));
    await ok(rest.put('/users/ann', { name: 'Ann B' }));
    await ok(rest.post('/users/ann/blockedusers', { blockedUids: ['bob'] }));
    await ok(rest.delete('/users/ann/blockedusers', { blockedUids: ['bob'] }));
    await ok(rest.post('/users/ann/friends', { accepted: ['bob'] }));
    await ok(rest.delete('/users/ann/friends', { friends: ['bob'] }));
    await ok(rest.post('/roles', { role: 'mod', name: 'Mod' }));
    await ok(rest.put('/roles/mod', { name: 'Moderator' }));
    await ok(rest.delete('/roles/mod'));
    await ok(rest.delete('/users', { uidsToDeactivate: ['cat'] }));
    await ok(rest.put('/users', { uidsToActivate: ['cat'] }));
    await ok(rest.post('/groups', { guid: 'g1', name: 'G', type: 'public', owner: 'ann' }));
    await ok(rest.put('/groups/g1', { name: 'G2' }));
    await ok(rest.post('/groups/g1/members', { participants: ['bob'] }));
    await ok(as('cat').post('/groups/g1/members', {}));
    await ok(rest.put('/groups/g1/members/bob', { scope: 'moderator' }));
    await ok(rest.delete('/groups/g1/members/bob'));
    await ok(rest.post('/groups/g1/bannedusers/bob'));
    await ok(rest.delete('/groups/g1/bannedusers/bob'));
    await ok(rest.put('/groups/g1/owner', { uid: 'cat' }));
    await ok(as('ann').delete('/groups/g1/members'));
    await ok(
      as('ann').post('/messages', {
        receiver: 'bob',
        receiverType: 'user',
        category: 'message',
        type: 'text',
        data: { text: 'hello' },
      }),
    );
    const second = await as('ann').post<{ data: { id: string } }>('/messages', {
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: { text: 'to be changed' },
    });
    expect(second.status).toBe(200);
    const thumbs = encodeURIComponent('👍');
    await ok(as('bob').post(`/messages/${second.body.data.id}/reactions/${thumbs}`));
    await ok(as('bob').delete(`/messages/${second.body.data.id}/reactions/${thumbs}`));
    await ok(as('ann').put(`/messages/${second.body.data.id}`, { data: { text: 'changed' } }));
    await ok(as('ann').delete(`/messages/${second.body.data.id}`));
    // Reading marks it delivered too: message_delivery_receipt and message_read_receipt.
    await ok(as('bob').post('/users/ann/conversation/read', {}));
    await ok(rest.delete('/groups/g1'));
    await ok(rest.delete('/users/bob', { permanent: true }));

    // Each event with a trigger, by trigger.
    const expected = () => {
      const counts: Record<string, number> = {};
      for (const m of published.messages) {
        const t = WEBHOOK_TRIGGERS.find((w) => w.event.subject(app.appId) === m.subject);
        if (t && !(m.data as { imported?: boolean }).imported)
          counts[t.trigger] = (counts[t.trigger] ?? 0) + 1;
      }
      return counts;
    };
    const received = () => {
      const counts: Record<string, number> = {};
      for (const q of r.requests) counts[q.body.trigger] = (counts[q.body.trigger] ?? 0) + 1;
      return counts;
    };
    await eventually(async () => {
      expect(Object.keys(expected()).sort()).toEqual(WEBHOOK_TRIGGERS.map((t) => t.trigger).sort());
      expect(received()).toEqual(expected());
    }, 30_000);
    await eventually(async () => {
      const log = await deliveries(app, hook.id, 'perPage=1000');
      expect(log.filter((d) => d.status !== 'succeeded')).toEqual([]);
      expect(log).toHaveLength(r.requests.length);
    });
    published.stop();

    // Once per event: no event twice, no delivery twice, and every request signed.
    const eventIds = r.requests.map((q) => q.body.eventId);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(r.deliveryIds()).toHaveLength(r.requests.length);
    for (const q of r.requests) {
      expect(hasValidSignature(q, hook.signingSecret)).toBe(true);
      expect(q.headers['x-parley-trigger']).toBe(q.body.trigger);
      expect(q.body).toMatchObject({ appId: app.appId, webhook: hook.id });
    }
    // Parley's own action messages (a member added, ...) are sent messages too; this is ann's text.
    const sent = r.requests.find(
      (q) =>
        q.body.trigger === 'message_sent' &&
        (q.body.data as { message?: { category?: string } }).message?.category === 'message',
    );
    expect(sent?.body.data).toMatchObject({
      message: { sender: 'ann', receiver: 'bob', data: { text: 'hello' } },
    });
  });

  it('an app that subscribes to sent messages only now gets the next message, not the ones passed over', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    for (const uid of ['ann', 'bob']) {
      expect((await rest.post('/users', { uid, name: uid })).status).toBe(200);
    }
    const ann = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'ann' });
    const send = async (text: string) => {
      const res = await ann.post<{ data: { id: string } }>('/messages', {
        receiver: 'bob',
        receiverType: 'user',
        category: 'message',
        type: 'text',
        data: { text },
      });
      expect(res.status).toBe(200);
      return res.body.data;
    };
    const edits = await receiver();
    await createWebhook(app, { webhookURL: edits.url, triggers: ['message_edited'] });
    const before = await send('before');
    // The edit's event comes after the send's in the app's stream: once the edit is delivered, the
    // webhooks service has read the sent message and, no endpoint wanting it, passed it over.
    expect((await ann.put(`/messages/${before.id}`, { data: { text: 'edited' } })).status).toBe(
      200,
    );
    await eventually(async () => expect(edits.requests).toHaveLength(1));

    const sent = await receiver();
    const hook = await createWebhook(app, { webhookURL: sent.url, triggers: ['message_sent'] });
    const after = await send('after');
    await eventually(async () => {
      expect((await deliveries(app, hook.id)).map((d) => d.status)).toEqual(['succeeded']);
    });
    expect(sent.requests.map((q) => q.body.data)).toEqual([
      {
        message: expect.objectContaining({
          id: after.id,
          data: expect.objectContaining({ text: 'after' }),
        }),
      },
    ]);
  });

  it('dead-letters a delivery after its last attempt; redelivery sends it again with the same id', async () => {
    const app = await createApp();
    const r = await receiver(() => 500);
    const hook = await createWebhook(app, { webhookURL: r.url, triggers: ['user_created'] });
    await AppClient.rest(app).post('/users', { uid: 'dana', name: 'Dana' });

    await eventually(async () => {
      expect(await deliveries(app, hook.id, 'status=failed')).toHaveLength(1);
    });
    const [dead] = await deliveries(app, hook.id);
    expect(dead).toMatchObject({ status: 'failed', attempts: 4, trigger: 'user_created' });
    expect(dead.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500, 500]);
    expect(r.requests).toHaveLength(4);

    r.answer(() => 200);
    const again = await admin(
      'POST',
      `/admin/apps/${app.appId}/webhooks/${hook.id}/deliveries/${dead.id}/redeliver`,
    );
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    await eventually(async () => {
      const [d] = await deliveries(app, hook.id);
      expect(d).toMatchObject({ id: dead.id, status: 'succeeded', attempts: 1 });
    });
    expect(r.requests).toHaveLength(5);
    expect(r.deliveryIds()).toEqual([dead.id]);
    expect(r.requests[4].raw).toBe(r.requests[0].raw);
  });

  // Last: it kills the platform's webhooks process; its replacement serves the files that run
  // after this one, until the global teardown.
  describe('when the webhooks process is killed mid-delivery', () => {
    it('loses nothing: attempts in flight when the process dies and events published meanwhile are delivered', async () => {
      const processes = JSON.parse(process.env.PARLEY_E2E_PROCESSES ?? '[]') as Array<{
        name: string;
        pid: number;
        port: number;
      }>;
      const webhooks = processes.find((p) => p.name === 'webhooks');
      expect(webhooks).toBeDefined();

      // The replacement is up before the deliveries start (its start-up can take longer than the
      // attempts' retries on a busy machine), so the platform other test files use always has a
      // webhooks process answering.
      const root = path.resolve(__dirname, '../..');
      const log = openSync(path.join(process.env.PARLEY_E2E_LOGS ?? '/tmp', 'webhooks-2.log'), 'a');
      const port = await freePort();
      const replacement = spawn(
        process.execPath,
        ['--enable-source-maps', path.join(root, 'dist/apps/webhooks/main.js')],
        { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', log, log] },
      );
      keepUntilTeardown(replacement);
      await eventually(async () => {
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
        expect(ready.status).toBe(200);
      }, 60_000);

      const app = await createApp();
      const r = await receiver(() => 'hang');
      const hook = await createWebhook(app, { webhookURL: r.url, triggers: ['user_created'] });
      const rest = AppClient.rest(app);
      const created: string[] = [];
      const create = async (uid: string) => {
        expect((await rest.post('/users', { uid, name: uid })).status).toBe(200);
        created.push(uid);
      };
      // Users are created until the process to be killed holds an attempt open at the receiver
      // (either process may claim a delivery): it dies in the middle of delivering.
      const inFlight = async () => {
        const text = await (await fetch(`http://127.0.0.1:${webhooks!.port}/metrics`)).text();
        return Number(/^parley_webhook_in_flight (\d+)/m.exec(text)?.[1] ?? 0);
      };
      await eventually(async () => {
        if (created.length < 12 && (await inFlight()) === 0) {
          await create(`k${created.length + 1}`);
          await new Promise((done) => setTimeout(done, 300));
        }
        expect(await inFlight()).toBeGreaterThan(0);
      }, 30_000);

      process.kill(webhooks!.pid, 'SIGKILL');
      for (const uid of ['n1', 'n2', 'n3']) await create(uid);
      r.answer(() => 200);
      r.release();

      await eventually(async () => {
        const items = await deliveries(app, hook.id);
        expect(items.map((d) => d.status)).toEqual(created.map(() => 'succeeded'));
      }, 45_000);
      const uids = new Set(r.requests.map((q) => (q.body.data.user as { uid: string }).uid));
      expect([...uids].sort()).toEqual([...created].sort());
      expect(r.deliveryIds()).toHaveLength(created.length);
    }, 150_000);
  });
});
