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
  receiverType: string;
  status: string;
  initiatedAt: number;
  joinedAt?: number;
  endedAt?: number;
  participants?: Array<{ uid: string; joinedAt: number; leftAt?: number }>;
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

const call = (c: AppClient, receiver: string, type = 'audio', receiverType = 'user') =>
  c.post<CallReply>('/calls', { receiver, receiverType, type, category: 'call' });
const callGroup = (c: AppClient, guid: string, type = 'video') => call(c, guid, type, 'group');
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
    // A call reaches whom a message would: not across a block, either way; the line stays free.
    const rest = AppClient.rest(app as AppKeys);
    await rest.post('/users/carol/blockedusers', { blockedUids: ['alice'] });
    const text = { receiver: 'carol', receiverType: 'user', category: 'message', type: 'text' };
    await eventually(async () =>
      expect(code(await alice.post('/messages', { ...text, data: { text: 'hi' } }))).toBe(
        'ERR_BLOCKED_SENDER',
      ),
    );
    expect(code(await call(alice, 'carol'))).toBe('ERR_BLOCKED_SENDER');
    expect(code(await call(carol, 'alice'))).toBe('ERR_BLOCKED_RECEIVER');
    expect((await call(alice, 'bob')).body.data.data.action).toBe('initiated');
    // The REST key acts for a user only with onBehalfOf.
    expect(
      code(await rest.post('/calls', { receiver: 'bob', receiverType: 'user', type: 'audio' })),
    ).toBe('ERR_BAD_REQUEST');
  });

  it('relays signalling between the parties of a call only, and stores none of it', async () => {
    const { client, socket } = await world(['alice', 'bob', 'carol']);
    const aliceWs = await socket('alice', 'alice-1');
    const bobWs = await socket('bob', 'bob-1');
    const carolWs = await socket('carol', 'carol-1');
    const sessionId = sessionOf((await call(client('alice'), 'bob', 'video')).body.data);
    const signal = (data: unknown, receiver?: string) => ({
      type: 'call_signal',
      ...(receiver !== undefined && { receiver }),
      body: { sessionId, data },
    });
    const isSignal = (f: Frame) => f.type === 'call_signal';

    // Carol is no party: her signal reaches nobody.
    carolWs.send(signal({ sdp: 'forged' }, 'bob'));
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    aliceWs.send(signal(offer));
    const got = await bobWs.next(isSignal);
    expect(got).toMatchObject({
      type: 'call_signal',
      sender: 'alice',
      receiver: 'bob',
      deviceId: 'alice-1',
      body: { sessionId, data: offer },
    });
    const answer = { type: 'answer', sdp: 'v=0 answer' };
    bobWs.send(signal(answer, 'alice'));
    expect((await aliceWs.next(isSignal)).body).toEqual({ sessionId, data: answer });
    // A signal over the size limit is dropped; the socket stays open.
    aliceWs.send(signal({ sdp: 'x'.repeat(20_000) }));
    aliceWs.send(signal({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }));
    const candidate = await bobWs.next((f) => isSignal(f) && f !== got);
    expect(candidate.body).toMatchObject({ data: { candidate: expect.any(String) } });
    await aliceWs.roundTrip();
    expect(bobWs.frames.filter(isSignal)).toHaveLength(2);
    expect(carolWs.frames.filter(isSignal)).toEqual([]);
    // Nothing of it is in the history: only the call's own message.
    expect((await callLog(client('bob'), 'alice')).map(([, action]) => action)).toEqual([
      'initiated',
    ]);
  });
});

describe('group calls', () => {
  /** A group `room` of alice (owner), bob, carol and dave; eve is banned, mallory outside. */
  async function groupWorld() {
    const w = await world(['alice', 'bob', 'carol', 'dave', 'eve', 'mallory']);
    const rest = AppClient.rest(w.app);
    const created = await rest.post('/groups', {
      guid: 'room',
      name: 'Room',
      type: 'public',
      owner: 'alice',
    });
    if (created.status !== 200) throw new Error(`create group: ${JSON.stringify(created.body)}`);
    await rest.post('/groups/room/members', { participants: ['bob', 'carol', 'dave', 'eve'] });
    await rest.post('/groups/room/bannedusers/eve', {});
    return w;
  }

  /** The call messages of the group as `c` reads them: [action, by]. */
  async function groupHistory(c: AppClient) {
    const page = (await c.get<Page>('/groups/room/messages?categories[]=call')).body;
    return (page.data as unknown as CallMessage[])
      .filter((m) => m.category === 'call')
      .map((m) => [m.data.action, m.data.entities.by.entity.uid]);
  }

  it('members join and leave; the last one out ends it; all of it in the history and the log', async () => {
    const { app, client, socket } = await groupWorld();
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(client);
    const daveWs = await socket('dave', 'dave-1');
    const aliceWs = await socket('alice', 'alice-1');

    const started = await callGroup(alice, 'room');
    expect(started.status).toBe(200);
    expect(started.body.data).toMatchObject({
      category: 'call',
      receiver: 'room',
      receiverType: 'group',
      data: {
        action: 'initiated',
        entities: {
          for: { entityType: 'group', entity: { guid: 'room' } },
          on: { entity: { receiverType: 'group', status: 'initiated' } },
        },
      },
    });
    const sessionId = sessionOf(started.body.data);
    await daveWs.next(callFrame(sessionId, 'initiated'));

    expect((await put(bob, sessionId, 'ongoing')).body.data.data.action).toBe('ongoing');
    await aliceWs.next(callFrame(sessionId, 'ongoing'));
    expect((await put(dave, sessionId, 'rejected')).body.data.data.action).toBe('rejected');
    expect((await put(carol, sessionId, 'ongoing')).body.data.data.action).toBe('ongoing');
    const left = await put(alice, sessionId, 'ended');
    expect(left.body.data.data.action).toBe('left');
    expect(left.body.data.data.entities.on.entity.status).toBe('left');
    expect((await put(bob, sessionId, 'ended')).body.data.data.action).toBe('left');
    const ended = await put(carol, sessionId, 'ended');
    expect(ended.body.data.data.action).toBe('ended');
    expect(ended.body.data.data.entities.on.entity).toMatchObject({
      status: 'ended',
      endedAt: expect.any(Number),
    });
    await daveWs.next(callFrame(sessionId, 'ended'));

    expect(await groupHistory(dave)).toEqual([
      ['initiated', 'alice'],
      ['ongoing', 'bob'],
      ['rejected', 'dave'],
      ['ongoing', 'carol'],
      ['left', 'alice'],
      ['left', 'bob'],
      ['ended', 'carol'],
    ]);
    const log = await AppClient.rest(app).get<{ data: Record<string, unknown> }>(
      `/calls/${sessionId}`,
    );
    expect(log.body.data).toMatchObject({
      receiverType: 'group',
      receiver: 'room',
      status: 'ended',
      totalParticipants: 3,
      totalDuration: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      participants: [
        { uid: 'alice', isJoined: true, state: 'left', leftAt: expect.any(Number) },
        { uid: 'bob', isJoined: true, state: 'left' },
        { uid: 'carol', isJoined: true, state: 'left' },
      ],
    });
    // Carol joined, so the call is in her log; dave only declined, so it is not in his.
    type LogPage = { data: Array<{ sessionId: string }> };
    expect((await carol.get<LogPage>('/calls')).body.data.map((c) => c.sessionId)).toEqual([
      sessionId,
    ]);
    expect((await dave.get<LogPage>('/calls')).body.data).toEqual([]);
    expect(code(await dave.get(`/calls/${sessionId}`))).toBe('ERR_CALL_SESSION_NOT_FOUND');
    // Over: nobody joins it again, and the group can be called again.
    expect(code(await put(dave, sessionId, 'ongoing'))).toBe('ERR_CALL_TERMINATED');
    expect((await callGroup(dave, 'room')).body.data.data.action).toBe('initiated');
  });

  it('refuses with the reference codes, changing nothing', async () => {
    const { client } = await groupWorld();
    const [alice, bob, carol, eve, mallory] = ['alice', 'bob', 'carol', 'eve', 'mallory'].map(
      client,
    );
    expect(code(await callGroup(mallory, 'room'))).toBe('ERR_NOT_A_MEMBER');
    expect(code(await callGroup(eve, 'room'))).toBe('ERR_BANNED_GROUPMEMBER');
    expect(code(await callGroup(alice, 'nowhere'))).toBe('ERR_GUID_NOT_FOUND');

    const sessionId = sessionOf((await callGroup(alice, 'room')).body.data);
    expect(code(await callGroup(bob, 'room'))).toBe('ERR_CALL_BUSY_GROUP');
    expect(code(await put(mallory, sessionId, 'ongoing'))).toBe('ERR_NOT_A_MEMBER');
    expect(code(await put(eve, sessionId, 'ongoing'))).toBe('ERR_BANNED_GROUPMEMBER');
    expect(code(await put(alice, sessionId, 'ongoing'))).toBe('ERR_CALL_GROUP_ALREADY_JOINED');
    expect(code(await put(alice, sessionId, 'ended'))).toBe('ERR_CALL_NOT_STARTED');
    expect(code(await put(bob, sessionId, 'busy'))).toBe('ERR_CALL_GROUP_INVALID_STATUS');
    expect(code(await put(bob, sessionId, 'cancelled'))).toBe('ERR_CALL_INVALID_INIT');
    expect(code(await put(bob, sessionId, 'ended'))).toBe('ERR_CALL_NOT_A_PART');
    // Carol is on a 1:1 call: she cannot join.
    const oneToOne = sessionOf((await call(carol, 'dave')).body.data);
    expect(code(await put(carol, sessionId, 'ongoing'))).toBe('ERR_CALL_BUSY_SELF');
    await put(carol, oneToOne, 'cancelled');

    await put(bob, sessionId, 'ongoing');
    await put(bob, sessionId, 'ended');
    expect(code(await put(bob, sessionId, 'ended'))).toBe('ERR_CALL_GROUP_ALREADY_LEFT');
    expect(code(await put(alice, sessionId, 'cancelled'))).toBe('ERR_CALL_ONGOING_TO_INVALID');
    expect(await groupHistory(alice)).toEqual([
      ['initiated', 'alice'],
      ['ongoing', 'bob'],
      ['left', 'bob'],
    ]);
  });

  it('a group call nobody joins ends as unanswered for every member', async () => {
    const { client, socket } = await groupWorld();
    const bobWs = await socket('bob', 'bob-1');
    const sessionId = sessionOf((await callGroup(client('alice'), 'room', 'audio')).body.data);
    const frame = await bobWs.next(callFrame(sessionId, 'unanswered'), 20_000);
    expect((frame.body as CallMessage).data.entities.on.entity).toMatchObject({
      status: 'unanswered',
      receiverType: 'group',
    });
    expect(code(await put(client('bob'), sessionId, 'ongoing'))).toBe('ERR_CALL_TERMINATED');
    expect((await callGroup(client('alice'), 'room')).body.data.data.action).toBe('initiated');
  });
});
