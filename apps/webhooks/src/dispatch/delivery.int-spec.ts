import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NatsMessageBus } from '@parley/common';
import {
  connectTestBus,
  eventually,
  hasValidSignature,
  startServiceContext,
  uniqueAppId,
  WebhookReceiver,
} from '@parley/common/testing';
import { Delivery, EVENTS, RPC, STREAMS, Webhook } from '@parley/contracts';
import { Client } from 'pg';
import { webhooksModule } from '../app.module';
import { DeliveryLogPruner } from '../deliveries/delivery-log.pruner';
import { EndpointEntity } from '../endpoints/endpoint.entity';
import { toWebhook } from '../endpoints/endpoint.mapper';
import { EndpointRepository } from '../endpoints/endpoint.repository';

/**
 * Webhooks in-process on real Postgres and NATS, delivering to real HTTP receivers. Events are
 * published to JetStream as their owners publish them; the service's consumers are narrowed to this
 * suite's app (consumers of their own), so a platform running on the same servers is not disturbed.
 */
jest.setTimeout(60_000);

// Short timings, so retries and backoff play out within a test.
Object.assign(process.env, {
  WEBHOOKS_TIMEOUT_MS: '1500',
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_RETRY_MAX_MS: '1000',
  WEBHOOKS_MAX_ATTEMPTS: '50',
  WEBHOOKS_POLL_MS: '100',
  WEBHOOKS_ENDPOINT_CONCURRENCY: '2',
});
const CONCURRENCY = 2;
/**
 * Most requests a receiver may see open at once for an endpoint limited to CONCURRENCY: an attempt
 * that timed out has closed its socket, but the receiver may notice that only after the next
 * attempt has opened (both are events of one busy process), so each slot can briefly show two.
 */
const MOST_SEEN_OPEN = 2 * CONCURRENCY;

const appId = uniqueAppId('wh');
const consumerPrefix = `test-${appId}`;
let webhooks: INestApplicationContext;
let bus: NatsMessageBus;
const created: string[] = [];
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  webhooks = await startServiceContext(
    webhooksModule({ http: false, scope: { appId, consumerPrefix } }),
  );
  bus = await connectTestBus();
});

afterEach(async () => {
  await Promise.all(
    created.splice(0).map((id) => bus.request(RPC.webhooks.webhookDelete, { appId, id })),
  );
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});

afterAll(async () => {
  const jsm = await bus?.connection.jetstreamManager();
  await Promise.all(
    STREAMS.map((s) =>
      jsm?.consumers
        .delete(s.name, `${consumerPrefix}-${s.name.toLowerCase().replace(/_/g, '-')}`)
        .catch(() => undefined),
    ),
  );
  await bus?.close();
  await webhooks?.close();
});

async function receiver(...args: Parameters<typeof WebhookReceiver.start>) {
  const r = await WebhookReceiver.start(...args);
  receivers.push(r);
  return r;
}

let endpointCount = 0;
/**
 * An endpoint of this suite's app, stored directly (creating one through the RPC asks identity
 * whether the app exists; that is the end-to-end tests' part).
 */
async function endpoint(
  url: string,
  extra: Partial<
    Pick<EndpointEntity, 'triggers' | 'enabled' | 'useBasicAuth' | 'username' | 'password'>
  > = {},
): Promise<Webhook> {
  const now = new Date();
  const entity: EndpointEntity = {
    appId,
    id: `hook-${++endpointCount}`,
    name: 'Receiver',
    url,
    triggers: ['user_created'],
    useBasicAuth: false,
    username: null,
    password: null,
    signingSecret: `whsec_${randomUUID()}`,
    enabled: true,
    createdAt: new Date(now.getTime() - 1000),
    updatedAt: now,
    ...extra,
  };
  await webhooks.get(EndpointRepository).insert(entity);
  created.push(entity.id);
  return toWebhook(entity);
}

/** Publishes `user.created` as users does; `eventId` may repeat an earlier event's. */
async function userCreated(uid: string, eventId: string = randomUUID()) {
  const payload = {
    v: 1,
    eventId,
    appId,
    occurredAt: Math.floor(Date.now() / 1000),
    user: { uid, name: uid, role: 'default', status: 'offline', createdAt: 1 },
  };
  // A fresh message id: JetStream's own dedupe must not hide a redelivered event from the test.
  await bus.publishDurable(EVENTS.users.userCreated.subject(appId), payload, randomUUID());
  return eventId;
}

async function log(webhook: Webhook, status?: Delivery['status']): Promise<Delivery[]> {
  const page = await bus.request(RPC.webhooks.deliveryList, {
    appId,
    id: webhook.id,
    perPage: 100,
    page: 1,
    ...(status ? { status } : {}),
  });
  return page.items;
}

async function allSucceeded(webhook: Webhook, count: number): Promise<Delivery[]> {
  return eventually(
    async () => {
      const items = await log(webhook);
      expect(items.map((d) => d.status)).toEqual(Array(count).fill('succeeded'));
      return items;
    },
    { timeoutMs: 30_000 },
  );
}

/** Resolves once the suite's consumer of `stream` has handled (and acked) everything published. */
async function caughtUp(stream: string) {
  const jsm = await bus.connection.jetstreamManager();
  const durable = `${consumerPrefix}-${stream.toLowerCase().replace(/_/g, '-')}`;
  await eventually(async () => {
    const info = await jsm.consumers.info(stream, durable);
    expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);
  });
}

// First: the app has never had an endpoint, so the service learns that it has none.
it('an endpoint stored after events were passed over, with no process told, gets the next event', async () => {
  await userCreated('unwatched-1');
  await userCreated('unwatched-2');
  await caughtUp('EVT_USERS');
  const r = await receiver();
  // Straight into the database, as another replica (or a restore) would put it there.
  const webhook = await endpoint(r.url);
  await userCreated('watched');

  await allSucceeded(webhook, 1);
  expect(r.requests.map((q) => (q.body.data.user as { uid: string }).uid)).toEqual(['watched']);
});

it('delivers each event once to every subscribed endpoint, signed, in the CometChat envelope', async () => {
  const plain = await receiver();
  const withAuth = await receiver();
  const a = await endpoint(plain.url);
  const b = await endpoint(withAuth.url, {
    useBasicAuth: true,
    username: 'hook',
    password: 's3cret',
  });
  const other = await receiver();
  await endpoint(other.url, { triggers: ['user_updated'] });

  const first = await userCreated('ann');
  await userCreated('bob');
  // The same event again (a redelivery from the stream): no second delivery.
  await userCreated('ann', first);

  await allSucceeded(a, 2);
  await allSucceeded(b, 2);
  expect(plain.requests).toHaveLength(2);
  expect(withAuth.requests).toHaveLength(2);
  expect(other.requests).toHaveLength(0);

  for (const [r, webhook] of [
    [plain, a],
    [withAuth, b],
  ] as const) {
    expect(r.deliveryIds()).toHaveLength(2);
    for (const req of r.requests) {
      expect(hasValidSignature(req, webhook.signingSecret)).toBe(true);
      expect(hasValidSignature(req, 'whsec_not-the-secret')).toBe(false);
      expect(req.headers['x-parley-trigger']).toBe('user_created');
      expect(req.headers['x-parley-attempt']).toBe('1');
      expect(req.body).toMatchObject({ trigger: 'user_created', appId, webhook: webhook.id });
      expect(req.body.data).toEqual({ user: expect.objectContaining({ role: 'default' }) });
    }
    const uids = r.requests.map((q) => (q.body.data.user as { uid: string }).uid).sort();
    expect(uids).toEqual(['ann', 'bob']);
  }
  expect(plain.requests[0].headers.authorization).toBeUndefined();
  expect(withAuth.requests[0].headers.authorization).toBe(
    `Basic ${Buffer.from('hook:s3cret').toString('base64')}`,
  );
});

it('retries a failing receiver with backoff: three failures, then exactly one more request', async () => {
  const r = await receiver((n) => (n <= 3 ? 500 : 200));
  const webhook = await endpoint(r.url);
  await userCreated('carol');

  const [delivery] = await allSucceeded(webhook, 1);
  expect(delivery.attempts).toBe(4);
  expect(delivery.attemptLog.map((a) => a.statusCode)).toEqual([200, 500, 500, 500]);
  expect(r.requests).toHaveLength(4);
  expect(r.deliveryIds()).toEqual([delivery.id]);
  expect(r.requests.map((q) => q.headers['x-parley-attempt'])).toEqual(['1', '2', '3', '4']);
  // Every attempt sends the same bytes, signed afresh.
  expect(new Set(r.requests.map((q) => q.raw)).size).toBe(1);
  expect(r.requests.every((q) => hasValidSignature(q, webhook.signingSecret))).toBe(true);
});

it('a receiver that is down for a while gets everything once it is back', async () => {
  const r = await receiver();
  const webhook = await endpoint(r.url);
  await r.down();
  for (const uid of ['d1', 'd2', 'd3', 'd4', 'd5']) await userCreated(uid);

  // Every delivery has failed at least once: the receiver really was down for them.
  await eventually(
    async () => {
      const items = await log(webhook);
      expect(items).toHaveLength(5);
      for (const d of items) expect(d.attemptLog.length).toBeGreaterThanOrEqual(2);
    },
    { timeoutMs: 30_000 },
  );
  await r.up();

  const items = await allSucceeded(webhook, 5);
  expect(r.deliveryIds().sort()).toEqual(items.map((d) => d.id).sort());
  const uids = r.requests.map((q) => (q.body.data.user as { uid: string }).uid).sort();
  expect(uids).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
  for (const d of items) expect(d.attemptLog[0].error).toBeUndefined();
  expect(items[0].attemptLog.at(-1)?.error).toMatch(/fetch failed|ECONNREFUSED/);
});

it('a hanging receiver holds only its own slots: other endpoints get everything meanwhile', async () => {
  const hanging = await receiver(() => 'hang');
  const healthy = await receiver();
  const stuck = await endpoint(hanging.url);
  const fine = await endpoint(healthy.url);
  const uids = Array.from({ length: 10 }, (_, i) => `h${i}`);
  for (const uid of uids) await userCreated(uid);

  await allSucceeded(fine, uids.length);
  expect(healthy.requests).toHaveLength(uids.length);
  // The hanging endpoint never had more than its concurrency open, and nothing succeeded there.
  expect(hanging.maxOpen).toBeLessThanOrEqual(MOST_SEEN_OPEN);
  expect(await log(stuck, 'succeeded')).toEqual([]);

  hanging.answer(() => 200);
  hanging.release();
  await allSucceeded(stuck, uids.length);
  expect(hanging.deliveryIds()).toHaveLength(uids.length);
});

it('a disabled endpoint gets nothing; enabled again, it gets what happens from then on', async () => {
  const control = await receiver();
  const controlHook = await endpoint(control.url);
  const r = await receiver();
  const webhook = await endpoint(r.url, { enabled: false });
  await userCreated('while-off');
  await userCreated('still-off');
  // The control endpoint got both, so both events were processed.
  await allSucceeded(controlHook, 2);
  await eventually(async () => expect(control.requests).toHaveLength(2));
  expect(await log(webhook)).toEqual([]);

  await bus.request(RPC.webhooks.webhookUpdate, { appId, id: webhook.id, enabled: true });
  await userCreated('back-on');
  await allSucceeded(webhook, 1);
  expect(r.requests.map((q) => (q.body.data.user as { uid: string }).uid)).toEqual(['back-on']);
});

it('prunes finished deliveries past the retention from the log, never pending ones', async () => {
  const r = await receiver();
  const webhook = await endpoint(r.url);
  await userCreated('old-done');
  const [done] = await allSucceeded(webhook, 1);
  await r.down();
  await userCreated('old-pending');
  const pending = await eventually(async () => {
    const [p] = await log(webhook, 'pending');
    expect(p).toBeDefined();
    return p;
  });

  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `UPDATE "webhooks"."deliveries" SET "updated_at" = now() - interval '31 days', "created_at" = now() - interval '31 days' WHERE "id" = ANY($1)`,
      [[done.id, pending.id]],
    );
  } finally {
    await db.end();
  }
  expect(await webhooks.get(DeliveryLogPruner).prune()).toBeGreaterThanOrEqual(1);
  expect((await log(webhook)).map((d) => d.id)).toEqual([pending.id]);
});

it('two replicas together keep an endpoint to its concurrency and deliver each event once', async () => {
  const second = await startServiceContext(
    webhooksModule({ http: false, scope: { appId, consumerPrefix } }),
  );
  try {
    let answered = 0;
    // Slow answers keep requests open long enough for both replicas to be sending at once.
    const slow = await receiver(() => 'hang');
    const webhook = await endpoint(slow.url);
    const uids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const uid of uids) await userCreated(uid);
    while (answered < uids.length) {
      await eventually(async () => expect(slow.requests.length).toBeGreaterThan(answered), {
        timeoutMs: 20_000,
      });
      answered = slow.requests.length;
      slow.release();
    }
    await allSucceeded(webhook, uids.length);
    expect(slow.maxOpen).toBeLessThanOrEqual(MOST_SEEN_OPEN);
    expect(slow.deliveryIds()).toHaveLength(uids.length);
  } finally {
    await second.close();
  }
});
