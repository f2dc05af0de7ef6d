import { AppClient, AppKeys, createApp, eventually, gateways } from './support/parley';
import { code, Page } from './support/messaging-fixtures';
import { Frame, login, Login, TestSocket } from './support/realtime-client';

/**
 * Calls (ARCHITECTURE.md §8; SDK endpoints `createCallSession`/`updateCallSession`): presence
 * owns the state machine, every transition is a `call` message stored through messaging (so
 * history is the call log) and delivered over the WebSocket. The test platform rings for 4 s.
 */

jest.setTimeout(30_000);

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.ws.terminate();
});

type CallEntity = {
  sessionid: string;
  type: string;
  sender: string;
  receiver: string;
  status: string;
  initiatedAt: number;
  joinedAt?: number;
  endedAt?: number;
};
type CallMessage = {
  id: string;
  category: string;
  type: string;
  sender: string;
  receiver: string;
  data: {
    action: string;
    entities: {
      by: { entity: { uid: string } };
      for: { entity: { uid: string } };
      on: { entity: CallEntity; entityType: string };
    };
  };
};
type CallReply = { data: CallMessage };

const sessionOf = (m: CallMessage) => m.data.entities.on.entity.sessionid;
const callFrame = (sessionId: string, action: string) => (f: Frame) => {
  const body = f.body as CallMessage | undefined;
  return (
    f.type === 'message' &&
    body?.category === 'call' &&
    body.data.action === action &&
    body.data.entities.on.entity.sessionid === sessionId
  );
};

/** An app with users who hold auth tokens, as the SDK's users do. */
async function world(uids: string[]) {
  const app = await createApp();
  const logins = new Map<string, Login>();
  for (const uid of uids) logins.set(uid, await login(app, uid));
  const client = (uid: string) =>
    new AppClient(app.appId, { authtoken: (logins.get(uid) as Login).authToken });
  const socket = async (uid: string, device: string) => {
    const s = await TestSocket.authenticated(
      gateways()[1],
      logins.get(uid) as Login,
      app.appId,
      device,
    );
    sockets.push(s);
    return s;
  };
  return { app, client, socket };
}

const call = (c: AppClient, receiver: string, type = 'audio') =>
  c.post<CallReply>('/calls', { receiver, receiverType: 'user', type, category: 'call' });
const put = (c: AppClient, sessionId: string, status: string) =>
  c.put<CallReply>(`/calls/${sessionId}`, { status });

/** The call messages of a 1:1 conversation as `c` reads them, oldest first. */
async function callLog(c: AppClient, peer: string) {
  const page = (await c.get<Page>(`/users/${peer}/messages?categories[]=call`)).body;
  return (page.data as unknown as CallMessage[])
    .filter((m) => m.category === 'call')
    .map((m) => [sessionOf(m), m.data.action, m.sender, m.data.entities.by.entity.uid]);
}

describe('calls', () => {
  it('an answered call: initiated, ongoing, ended — in the reply, on both sockets, in history', async () => {
    const { client, socket } = await world(['alice', 'bob']);
    const alice = client('alice');
    const bob = client('bob');
    const aliceWs = await socket('alice', 'alice-1');
    const bobWs = await socket('bob', 'bob-1');

    const started = await call(alice, 'bob', 'video');
    expect(started.status).toBe(200);
    expect(started.body.data).toMatchObject({
      category: 'call',
      type: 'video',
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      data: {
        action: 'initiated',
        entities: {
          by: { entity: { uid: 'alice' } },
          for: { entity: { uid: 'bob' } },
          on: {
            entityType: 'call',
            entity: {
              sender: 'alice',
              receiver: 'bob',
              type: 'video',
              status: 'initiated',
              initiatedAt: expect.any(Number),
            },
          },
        },
      },
    });
    const sessionId = sessionOf(started.body.data);
    await bobWs.next(callFrame(sessionId, 'initiated'));

    const accepted = await put(bob, sessionId, 'ongoing');
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.data.entities.on.entity).toMatchObject({
      status: 'ongoing',
      joinedAt: expect.any(Number),
    });
    await aliceWs.next(callFrame(sessionId, 'ongoing'));

    const ended = await put(alice, sessionId, 'ended');
    expect(ended.status).toBe(200);
    expect(ended.body.data.data.entities.on.entity).toMatchObject({
      status: 'ended',
      joinedAt: expect.any(Number),
      endedAt: expect.any(Number),
    });
    await bobWs.next(callFrame(sessionId, 'ended'));

    expect(await callLog(bob, 'alice')).toEqual([
      [sessionId, 'initiated', 'alice', 'alice'],
      [sessionId, 'ongoing', 'alice', 'bob'],
      [sessionId, 'ended', 'alice', 'alice'],
    ]);
    // Once over, the call takes no more transitions; both are free to call again.
    expect(code(await put(bob, sessionId, 'ended'))).toBe('ERR_CALL_TERMINATED');
    expect((await call(bob, 'alice')).body.data.data.action).toBe('initiated');
  });

  it('rejected by the callee, cancelled by the caller', async () => {
    const { client } = await world(['alice', 'bob']);
    const alice = client('alice');
    const bob = client('bob');

    const first = sessionOf((await call(alice, 'bob')).body.data);
    const rejected = await put(bob, first, 'rejected');
    expect(rejected.body.data.data).toMatchObject({
      action: 'rejected',
      entities: { by: { entity: { uid: 'bob' } }, on: { entity: { status: 'rejected' } } },
    });

    const second = sessionOf((await call(alice, 'bob')).body.data);
    const cancelled = await put(alice, second, 'cancelled');
    expect(cancelled.body.data.data.action).toBe('cancelled');

    expect(await callLog(alice, 'bob')).toEqual([
      [first, 'initiated', 'alice', 'alice'],
      [first, 'rejected', 'alice', 'bob'],
      [second, 'initiated', 'alice', 'alice'],
      [second, 'cancelled', 'alice', 'alice'],
    ]);
  });

  it('busy when the callee is on another call, whichever device it is on', async () => {
    const { client, socket } = await world(['alice', 'bob', 'carol']);
    const alice = client('alice');
    const bob = client('bob');
    const carol = client('carol');
    // Bob answers carol on his phone: he is on a call.
    const withCarol = sessionOf((await call(carol, 'bob')).body.data);
    await put(bob, withCarol, 'ongoing');
    const bobTab = await socket('bob', 'bob-tab');
    const aliceWs = await socket('alice', 'alice-1');

    const tried = await call(alice, 'bob');
    expect(tried.status).toBe(200);
    expect(tried.body.data.data).toMatchObject({
      action: 'busy',
      entities: { by: { entity: { uid: 'bob' } }, on: { entity: { status: 'busy' } } },
    });
    const busySession = sessionOf(tried.body.data);
    await aliceWs.next(callFrame(busySession, 'busy'));
    await bobTab.next(callFrame(busySession, 'busy'));
    expect(code(await put(bob, busySession, 'ongoing'))).toBe('ERR_CALL_TERMINATED');

    // The caller on a call cannot start another; the ongoing call is untouched.
    expect(code(await call(bob, 'alice'))).toBe('ERR_CALL_BUSY_SELF');
    expect((await put(carol, withCarol, 'ended')).body.data.data.action).toBe('ended');
    expect((await call(alice, 'bob')).body.data.data.action).toBe('initiated');
  });

  it('unanswered once the ring timeout passes, announced to both', async () => {
    const { client, socket } = await world(['alice', 'bob']);
    const alice = client('alice');
    const bob = client('bob');
    const aliceWs = await socket('alice', 'alice-1');
    const bobWs = await socket('bob', 'bob-1');
    const sessionId = sessionOf((await call(alice, 'bob')).body.data);

    const frame = await aliceWs.next(callFrame(sessionId, 'unanswered'), 20_000);
    await bobWs.next(callFrame(sessionId, 'unanswered'));
    expect((frame.body as CallMessage).data.entities.on.entity).toMatchObject({
      status: 'unanswered',
      endedAt: expect.any(Number),
    });
    expect(code(await put(bob, sessionId, 'ongoing'))).toBe('ERR_CALL_TERMINATED');
    await eventually(async () =>
      expect(await callLog(bob, 'alice')).toEqual([
        [sessionId, 'initiated', 'alice', 'alice'],
        [sessionId, 'unanswered', 'alice', 'alice'],
      ]),
    );
    // The caller's line is free again.
    expect((await call(alice, 'bob')).body.data.data.action).toBe('initiated');
  });

  it('the call log: one entry per call with status, participants and durations', async () => {
    const { app, client } = await world(['alice', 'bob', 'carol']);
    const alice = client('alice');
    const bob = client('bob');
    const answered = sessionOf((await call(alice, 'bob', 'video')).body.data);
    await put(bob, answered, 'ongoing');
    await put(bob, answered, 'ended');
    const cancelled = sessionOf((await call(alice, 'bob')).body.data);
    await put(alice, cancelled, 'cancelled');
    const other = sessionOf((await call(client('carol'), 'bob')).body.data);
    await put(client('carol'), other, 'cancelled');

    const one = await AppClient.rest(app).get<{ data: Record<string, unknown> }>(
      `/calls/${answered}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({
      sessionId: answered,
      type: 'video',
      mode: 'call',
      receiverType: 'user',
      status: 'ended',
      totalParticipants: 2,
      totalDuration: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      totalDurationInMinutes: expect.any(Number),
      participants: [
        { uid: 'alice', isJoined: true, joinedAt: expect.any(Number), leftAt: expect.any(Number) },
        { uid: 'bob', isJoined: true, joinedAt: expect.any(Number), leftAt: expect.any(Number) },
      ],
    });

    type LogPage = {
      data: Array<{ sessionId: string; status: string }>;
      meta: { pagination: { total: number } };
    };
    const mine = (await alice.get<LogPage>('/calls')).body;
    expect(mine.data.map((c) => [c.sessionId, c.status]).sort()).toEqual(
      [
        [answered, 'ended'],
        [cancelled, 'canceled'],
      ].sort(),
    );
    expect(mine.meta.pagination.total).toBe(2);
    const all = (await AppClient.rest(app).get<LogPage>('/calls?perPage=1')).body;
    expect(all.data).toHaveLength(1);
    expect(all.meta.pagination.total).toBe(3);
    expect(code(await alice.get(`/calls/${other}`))).toBe('ERR_CALL_SESSION_NOT_FOUND');
  });

  it('refuses illegal transitions with the reference codes, changing nothing', async () => {
    const { app, client } = await world(['alice', 'bob', 'carol']);
    const alice = client('alice');
    const bob = client('bob');
    const carol = client('carol');

    expect(code(await call(alice, 'alice'))).toBe('ERR_CALLING_SELF');
    expect(code(await call(alice, 'nobody'))).toBe('ERR_UID_NOT_FOUND');
    expect(code(await put(bob, 'v1.no-such-call', 'ongoing'))).toBe('ERR_CALL_SESSION_NOT_FOUND');
    const bad = await alice.post('/calls', { receiver: 'bob', receiverType: 'user', type: 'fax' });
    expect(bad.status).toBe(400);

    const sessionId = sessionOf((await call(alice, 'bob')).body.data);
    expect(code(await put(alice, sessionId, 'ended'))).toBe('ERR_CALL_NOT_STARTED');
    expect(code(await put(carol, sessionId, 'ongoing'))).toBe('ERR_CALL_NOT_A_PART');
    expect(code(await put(alice, sessionId, 'ongoing'))).toBe('ERR_CALL_INVALID_INIT');
    expect(code(await put(bob, sessionId, 'cancelled'))).toBe('ERR_CALL_INVALID_INIT');
    expect(code(await call(alice, 'carol'))).toBe('ERR_CALL_BUSY_SELF');

    await put(bob, sessionId, 'ongoing');
    expect(code(await put(bob, sessionId, 'rejected'))).toBe('ERR_CALL_ONGOING_TO_INVALID');
    expect((await put(bob, sessionId, 'ended')).body.data.data.action).toBe('ended');

    // Only the accepted transitions are in the history.
    expect((await callLog(alice, 'bob')).map(([, action]) => action)).toEqual([
      'initiated',
      'ongoing',
      'ended',
    ]);
    // The REST key acts for a user only with onBehalfOf.
    const rest = AppClient.rest(app as AppKeys);
    expect(
      code(await rest.post('/calls', { receiver: 'bob', receiverType: 'user', type: 'audio' })),
    ).toBe('ERR_BAD_REQUEST');
  });
});
