import { connectTestBus, recordSubject } from '@parley/common/testing';
import { AppClient, AppKeys, createApp, ErrorReply, eventually, gateways } from './support/parley';
import { login, TestSocket } from './support/realtime-client';

interface Message {
  id: string;
  deliveredToAll?: boolean;
  readByAll?: boolean;
  sender: string;
  seq: number;
  deliveredAt?: number;
  readAt?: number;
  deliveredToMeAt?: number;
  readByMeAt?: number;
}
interface Receipt {
  uid: string;
  recipient: { uid: string; name: string };
  deliveredAt?: number;
  readAt?: number;
}
type Receipts = { data: Receipt[]; meta: { pagination: { total: number } } };

jest.setTimeout(60_000);
const EVENTS_ARRIVE_MS = 30_000;

const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;
const now = () => Math.floor(Date.now() / 1000);
const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });
const text = (receiver: string, t: string, receiverType = 'user') => ({
  receiver,
  receiverType,
  category: 'message',
  type: 'text',
  data: { text: t },
});

/** An app with alice, bob and carol; `team` is alice's group with bob and carol. */
async function world() {
  const app = await createApp();
  const rest = AppClient.rest(app);
  for (const uid of ['alice', 'bob', 'carol']) {
    const res = await rest.post('/users', { uid, name: `Name ${uid}` });
    if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
  }
  await as(app, 'alice').post('/groups', {
    guid: 'team',
    name: 'Team',
    type: 'public',
    members: { participants: ['bob', 'carol'] },
  });
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((u) => as(app, u));
  const send = async (from: AppClient, to: string, t: string, type = 'user') =>
    (await from.post<{ data: Message }>('/messages', text(to, t, type))).body.data;
  const message = async (viewer: AppClient, id: string) =>
    (await viewer.get<{ data: Message }>(`/messages/${id}`)).body.data;
  return { app, alice, bob, carol, send, message };
}

describe('receipts of 1:1 messages', () => {
  it('carry when the receiver received and read each message, and list who did', async () => {
    const { alice, bob, carol, send, message } = await world();
    const before = now();
    const m1 = await send(alice, 'bob', 'one');
    const m2 = await send(alice, 'bob', 'two');
    expect(await message(alice, m1.id)).not.toHaveProperty('deliveredAt');

    await bob.post('/users/alice/conversation/delivered', { messageId: m2.id });
    const delivered = await message(alice, m1.id);
    expect(delivered.deliveredAt).toBeGreaterThanOrEqual(before);
    expect(delivered).not.toHaveProperty('readAt');

    await bob.post('/users/alice/conversation/read', { messageId: m1.id });
    const [read1, read2] = [await message(alice, m1.id), await message(alice, m2.id)];
    expect(read1.readAt).toBeGreaterThanOrEqual(read1.deliveredAt as number);
    expect(read2.deliveredAt).toBe(delivered.deliveredAt);
    expect(read2).not.toHaveProperty('readAt');
    // The receiver sees their own receipt of it.
    expect(await message(bob, m1.id)).toMatchObject({ readByMeAt: read1.readAt });

    const r1 = await alice.get<Receipts>(`/messages/${m1.id}/receipts`);
    expect(r1.status).toBe(200);
    expect(r1.body.data).toEqual([
      {
        uid: 'bob',
        recipient: expect.objectContaining({ uid: 'bob', name: 'Name bob' }),
        deliveredAt: read1.deliveredAt,
        readAt: read1.readAt,
      },
    ]);
    expect(r1.body.meta.pagination.total).toBe(1);
    // The sender's GET of the message carries them too (the SDK's getMessageReceipts reads them).
    const own = await alice.get<{ data: Message & { receipts: { data: unknown[] } } }>(
      `/messages/${m1.id}`,
    );
    expect(own.body.data.receipts.data).toEqual([
      {
        recipient: expect.objectContaining({ uid: 'bob' }),
        deliveredAt: read1.deliveredAt,
        readAt: read1.readAt,
      },
    ]);
    expect(await message(bob, m1.id)).not.toHaveProperty('receipts');
    const r2 = await alice.get<Receipts>(`/messages/${m2.id}/receipts`);
    expect(r2.body.data).toEqual([expect.not.objectContaining({ readAt: expect.anything() })]);
    expect(code(await carol.get(`/messages/${m1.id}/receipts`))).toBe('ERR_MESSAGE_ID_NOT_FOUND');

    // Marking unread takes the read receipt back.
    await bob.delete('/users/alice/conversation/read', { messageId: m1.id });
    expect(await message(alice, m1.id)).not.toHaveProperty('readAt');
    expect((await alice.get<Receipts>(`/messages/${m1.id}/receipts`)).body.data[0]).toEqual(
      expect.not.objectContaining({ readAt: expect.anything() }),
    );
  });

  it('a reply reads what came before it', async () => {
    const { alice, bob, send, message } = await world();
    const m1 = await send(alice, 'bob', 'question');
    await send(bob, 'alice', 'answer');
    expect(await message(alice, m1.id)).toMatchObject({
      deliveredAt: expect.any(Number),
      readAt: expect.any(Number),
    });
  });
});

describe('receipts of group messages', () => {
  it('list each member who received and read it', async () => {
    const { bob, carol, alice, send } = await world();
    const g1 = await send(alice, 'team', 'hello team', 'group');
    await eventually(async () => {
      expect((await bob.post('/groups/team/conversation/read', {})).status).toBe(200);
      expect((await carol.post('/groups/team/conversation/delivered', {})).status).toBe(200);
    }, EVENTS_ARRIVE_MS);
    const res = await alice.get<Receipts>(`/messages/${g1.id}/receipts`);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        uid: 'bob',
        deliveredAt: expect.any(Number),
        readAt: expect.any(Number),
      }),
      expect.not.objectContaining({ readAt: expect.anything() }),
    ]);
    expect(res.body.data[1]).toMatchObject({ uid: 'carol', deliveredAt: expect.any(Number) });
    const seenByBob = (await bob.get<{ data: Message }>(`/messages/${g1.id}`)).body.data;
    expect(seenByBob).toMatchObject({ readByMeAt: expect.any(Number) });
  });
});

describe('receipts of a whole group', () => {
  it('mark a message delivered to and read by all once every member has, with frames', async () => {
    const { app, bob, carol, alice, send, message } = await world();
    const g1 = await send(alice, 'team', 'all of you', 'group');
    const bus = await connectTestBus({ name: 'parley-e2e-group-receipts' });
    try {
      const frames = await recordSubject(bus, `deliver.${app.appId}.u.alice`);
      await eventually(async () => {
        expect((await bob.post('/groups/team/conversation/read', {})).status).toBe(200);
      }, EVENTS_ARRIVE_MS);
      expect(await message(alice, g1.id)).not.toHaveProperty('deliveredToAll');
      await eventually(async () => {
        expect((await carol.post('/groups/team/conversation/delivered', {})).status).toBe(200);
      }, EVENTS_ARRIVE_MS);
      const delivered = await message(alice, g1.id);
      expect(delivered).toMatchObject({ deliveredToAll: true, deliveredAt: expect.any(Number) });
      expect(delivered).not.toHaveProperty('readByAll');

      await carol.post('/groups/team/conversation/read', { messageId: g1.id });
      expect(await message(alice, g1.id)).toMatchObject({
        readByAll: true,
        readAt: expect.any(Number),
      });
      await eventually(async () => {
        const actions = frames.messages.map((f) => (f.data as { body: { action: string } }).body);
        expect(actions).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ action: 'deliveredToAll', messageId: g1.id }),
            expect.objectContaining({ action: 'readByAll', messageId: g1.id }),
          ]),
        );
      });
      frames.stop();
    } finally {
      await bus.close();
    }
  });
});

describe('receipt events and frames', () => {
  it('publishes receipt.delivered/read and sends the receipts frame to the other user', async () => {
    const { app, alice, bob, send } = await world();
    const m1 = await send(alice, 'bob', 'one');
    const bus = await connectTestBus({ name: 'parley-e2e-receipts' });
    try {
      const frames = await recordSubject(bus, `deliver.${app.appId}.u.alice`);
      const events = await recordSubject(bus, `evt.messaging.${app.appId}.>`);
      const res = await fetch(`${bob.gateway}/v3/users/alice/conversation/read`, {
        method: 'POST',
        headers: { ...bob.headers(), 'content-type': 'application/json', resource: 'bob-tab' },
        body: JSON.stringify({ messageId: m1.id }),
      });
      expect(res.status).toBe(200);
      await eventually(async () => {
        expect(frames.messages).toHaveLength(2);
        expect(events.messages.map((e) => e.subject).sort()).toEqual([
          `evt.messaging.${app.appId}.receipt.delivered`,
          `evt.messaging.${app.appId}.receipt.read`,
        ]);
      });
      const read = frames.messages.find(
        (f) => (f.data as { body: { action: string } }).body.action === 'read',
      );
      expect(read?.data).toEqual({
        appId: app.appId,
        type: 'receipts',
        sender: 'bob',
        receiver: 'alice',
        receiverType: 'user',
        deviceId: 'bob-tab',
        messageSender: 'alice',
        body: {
          action: 'read',
          messageId: m1.id,
          user: expect.objectContaining({ uid: 'bob' }),
          timestamp: expect.any(Number),
        },
      });
      const readEvent = events.messages.find((e) => e.subject.endsWith('receipt.read'));
      expect(readEvent?.data).toMatchObject({
        appId: app.appId,
        uid: 'bob',
        conversationId: 'alice_user_bob',
        receiverType: 'user',
        receiver: 'alice',
        messageId: m1.id,
        messageSender: 'alice',
        seq: 1,
      });

      // A repeated mark moves nothing and publishes nothing.
      await bob.post('/users/alice/conversation/read', { messageId: m1.id });
      await bob.put('/users/alice/conversation', { tags: ['x'] });
      await eventually(async () => {
        expect(events.messages.map((e) => e.subject)).toContain(
          `evt.messaging.${app.appId}.conversation.updated`,
        );
      });
      expect(events.messages).toHaveLength(3);
      expect(events.messages[2].data).toMatchObject({
        uid: 'bob',
        change: 'tagged',
        conversation: { conversationId: 'alice_user_bob', tags: ['x'] },
      });
      frames.stop();
      events.stop();
    } finally {
      await bus.close();
    }
  });

  it('stores the receipts frames a client sends over the WebSocket and relays them', async () => {
    const app = await createApp();
    const [alice, bob] = [await login(app, 'alice'), await login(app, 'bob')];
    const url = gateways()[0];
    const aliceSocket = await TestSocket.authenticated(url, alice, app.appId, 'alice-tab');
    const bobSocket = await TestSocket.authenticated(url, bob, app.appId, 'bob-tab');
    try {
      const m1 = (
        await as(app, 'alice').post<{ data: Message }>('/messages', text('bob', 'over ws'))
      ).body.data;
      bobSocket.send({
        appId: app.appId,
        type: 'receipts',
        sender: 'bob',
        receiver: 'alice',
        receiverType: 'user',
        deviceId: 'bob-tab',
        messageSender: 'alice',
        body: { action: 'read', messageId: m1.id, user: { uid: 'bob' } },
      });
      const frame = await aliceSocket.next(
        (f) => f.type === 'receipts' && (f.body as { action?: string }).action === 'read',
      );
      expect(frame).toMatchObject({
        sender: 'bob',
        receiver: 'alice',
        messageSender: 'alice',
        body: { messageId: m1.id },
      });
      const stored = await as(app, 'alice').get<{ data: Message }>(`/messages/${m1.id}`);
      expect(stored.body.data.readAt).toEqual(expect.any(Number));
      // Bob's own tab caused it: it does not come back to that tab.
      await bobSocket.roundTrip();
      expect(bobSocket.frames.some((f) => f.type === 'receipts')).toBe(false);
    } finally {
      aliceSocket.ws.close();
      bobSocket.ws.close();
    }
  });
});
