import { randomUUID } from 'node:crypto';
import { Clock, MessageBus, Redis } from '@parley/common';
import { Call, RPC } from '@parley/contracts';
import { CallRecorder } from './call-recorder';
import { CallService } from './call.service';
import { MemoryCallStore } from './call.memory-store';
import { RedisCallStore } from './call.redis-store';
import { CallStore } from './call.store';
import { GroupCallService } from './group-call.service';

/**
 * The call state machine on each CallStore: the real Redis, and memory (the one-process mode). A
 * presence "restart" is a new CallService over the same state: nothing of the first survives but
 * what it stored, as after a process restart, so the ring deadline must come from the store.
 */

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

const RING = 45;

/** Per platform: the store each replica gets (Redis: its own client of the shared keys). */
const STORES: Record<string, (prefix: string) => () => CallStore> = {
  Redis: (prefix) => () => new RedisCallStore(redis, { PRESENCE_KEY_PREFIX: prefix }),
  memory: () => {
    const store = new MemoryCallStore();
    return () => store;
  },
};

function platformWith(stores: (prefix: string) => () => CallStore) {
  const prefix = `test:calls:${randomUUID()}`;
  prefixes.push(prefix);
  const storeOf = stores(prefix);
  let nowMs = 1_800_000_000_000;
  const clock = {
    now: () => new Date(nowMs),
    nowSeconds: () => Math.floor(nowMs / 1000),
  } as unknown as Clock;
  /**
   * What messaging was asked to store, as `<action> by <actor>`; `failing` refuses the next. The
   * groups service knows `members` of every group and `banned` users.
   */
  const stored: string[] = [];
  const messaging = { failing: 0 };
  const groups = { members: ['alice', 'bob', 'carol', 'dave'], banned: ['eve'] };
  const published: Array<{ subject: string; frame: unknown }> = [];
  const bus = {
    request: jest.fn(
      async (
        rpc: { subject: string },
        req: { actor: string; call: Call; action?: string; uid: string },
      ) => {
        if (rpc.subject === RPC.groups.memberGet.subject) {
          const member = groups.members.includes(req.uid);
          return {
            member: member ? { scope: 'participant', joinedAt: 1 } : null,
            banned: groups.banned.includes(req.uid),
          };
        }
        if (messaging.failing > 0) {
          messaging.failing -= 1;
          throw new Error('messaging unavailable');
        }
        const action = req.action ?? req.call.status;
        stored.push(`${action} by ${req.actor}`);
        return { data: { action, entities: { on: { entity: req.call } } } };
      },
    ),
    publish: jest.fn((subject: string, frame: unknown) => published.push({ subject, frame })),
  } as unknown as MessageBus;
  /** A presence replica: a fresh service over the shared state. */
  const replica = () => {
    const store = storeOf();
    const recorder = new CallRecorder(bus);
    return new CallService(
      store,
      recorder,
      new GroupCallService(store, recorder, bus, clock),
      bus,
      clock,
      { CALL_RING_TIMEOUT_SECONDS: RING },
    );
  };
  return {
    replica,
    stored,
    messaging,
    published,
    advance: (ms: number) => (nowMs += ms),
    asked: () => (bus.request as jest.Mock).mock.calls.length,
  };
}

type Reply = { data: { entities: { on: { entity: Call } } } };
const sessionOf = (m: unknown) => (m as Reply).data.entities.on.entity.sessionid;
const initiate = (service: CallService, sender: string, receiver: string) =>
  service.initiate({
    appId: 'app1',
    sender,
    call: { receiver, receiverType: 'user', type: 'audio' },
  });
const callGroup = (service: CallService, sender: string, guid = 'room') =>
  service.initiate({
    appId: 'app1',
    sender,
    call: { receiver: guid, receiverType: 'group', type: 'video' },
  });
type Status = 'ongoing' | 'ended' | 'rejected' | 'cancelled' | 'busy';
const update = (service: CallService, uid: string, sessionId: string, status: Status) =>
  service.update({ appId: 'app1', uid, sessionId, update: { status } });
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err: { code?: string }) => err.code,
  );

describe.each(Object.entries(STORES))('CallService (%s)', (_name, stores) => {
  const platform = () => platformWith(stores);

  it('a restart during ringing still ends the call as unanswered at its deadline', async () => {
    const { replica, stored, advance } = platform();
    const before = replica();
    const sessionId = sessionOf(await initiate(before, 'alice', 'bob'));

    // Presence restarts: the new process knows only what Redis holds.
    const after = replica();
    advance((RING - 1) * 1000);
    await after.sweep();
    expect(stored).toEqual(['initiated by alice']);

    advance(1000);
    await after.sweep();
    expect(stored).toEqual(['initiated by alice', 'unanswered by alice']);
    await expect(update(after, 'bob', sessionId, 'ongoing')).rejects.toMatchObject({
      code: 'ERR_CALL_TERMINATED',
    });
    // Both lines are free again.
    await expect(initiate(after, 'bob', 'alice')).resolves.toBeDefined();
  });

  it('keeps a timeout whose message failed for the next sweep, then stops', async () => {
    const { replica, stored, messaging, advance, asked } = platform();
    await initiate(replica(), 'alice', 'bob');
    advance(RING * 1000);

    messaging.failing = 1;
    await replica().sweep(); // moved to unanswered, its message refused: the deadline stays
    expect(stored).toEqual(['initiated by alice']);
    await replica().sweep();
    expect(stored).toEqual(['initiated by alice', 'unanswered by alice']);
    const requests = asked();
    await replica().sweep();
    expect(asked()).toBe(requests);
  });

  it('an answered call never times out', async () => {
    const { replica, stored, advance } = platform();
    const service = replica();
    const sessionId = sessionOf(await initiate(service, 'alice', 'bob'));
    await update(service, 'bob', sessionId, 'ongoing');
    advance(RING * 2000);
    await replica().sweep();
    expect(stored).toEqual(['initiated by alice', 'ongoing by bob']);
  });

  it('frees both lines when the first message cannot be stored', async () => {
    const { replica, messaging } = platform();
    const service = replica();
    messaging.failing = 1;
    await expect(initiate(service, 'alice', 'bob')).rejects.toThrow('messaging unavailable');
    await expect(initiate(service, 'alice', 'bob')).resolves.toBeDefined();
    await expect(initiate(service, 'carol', 'bob')).resolves.toMatchObject({
      data: { action: 'busy' },
    });
  });

  it('a group call: members join and leave, the last one out ends it', async () => {
    const { replica, stored } = platform();
    const service = replica();
    const sessionId = sessionOf(await callGroup(service, 'alice'));
    await update(service, 'bob', sessionId, 'ongoing');
    await update(service, 'carol', sessionId, 'rejected');
    await update(replica(), 'dave', sessionId, 'ongoing');
    await update(service, 'alice', sessionId, 'ended');
    await update(service, 'bob', sessionId, 'ended');
    // Dave leaves last: the call ends; joining again is too late.
    const ended = (await update(service, 'dave', sessionId, 'ended')) as unknown as {
      data: { entities: { on: { entity: Call } } };
    };
    expect(stored).toEqual([
      'initiated by alice',
      'ongoing by bob',
      'rejected by carol',
      'ongoing by dave',
      'left by alice',
      'left by bob',
      'ended by dave',
    ]);
    const call = ended.data.entities.on.entity;
    expect(call).toMatchObject({ status: 'ended', receiverType: 'group', version: 6 });
    expect(call.participants?.map((p) => [p.uid, p.leftAt !== undefined])).toEqual([
      ['alice', true],
      ['bob', true],
      ['dave', true],
    ]);
    expect(await refusal(update(service, 'carol', sessionId, 'ongoing'))).toBe(
      'ERR_CALL_TERMINATED',
    );
    // Every line is free: the group and its members can call again.
    await expect(callGroup(service, 'dave')).resolves.toBeDefined();
  });

  it('refuses group call steps with the reference codes', async () => {
    const { replica, stored } = platform();
    const service = replica();
    expect(await refusal(callGroup(service, 'mallory'))).toBe('ERR_NOT_A_MEMBER');
    expect(await refusal(callGroup(service, 'eve'))).toBe('ERR_BANNED_GROUPMEMBER');
    const sessionId = sessionOf(await callGroup(service, 'alice'));
    expect(await refusal(callGroup(service, 'bob'))).toBe('ERR_CALL_BUSY_GROUP');
    expect(await refusal(callGroup(service, 'alice', 'other'))).toBe('ERR_CALL_BUSY_SELF');
    expect(await refusal(update(service, 'mallory', sessionId, 'ongoing'))).toBe(
      'ERR_NOT_A_MEMBER',
    );
    expect(await refusal(update(service, 'eve', sessionId, 'ongoing'))).toBe(
      'ERR_BANNED_GROUPMEMBER',
    );
    expect(await refusal(update(service, 'alice', sessionId, 'ongoing'))).toBe(
      'ERR_CALL_GROUP_ALREADY_JOINED',
    );
    expect(await refusal(update(service, 'alice', sessionId, 'ended'))).toBe(
      'ERR_CALL_NOT_STARTED',
    );
    expect(await refusal(update(service, 'bob', sessionId, 'cancelled'))).toBe(
      'ERR_CALL_INVALID_INIT',
    );
    expect(await refusal(update(service, 'bob', sessionId, 'busy'))).toBe(
      'ERR_CALL_GROUP_INVALID_STATUS',
    );
    expect(await refusal(update(service, 'bob', sessionId, 'ended'))).toBe('ERR_CALL_NOT_A_PART');
    // Carol is on a 1:1 call: she cannot join the group's.
    await initiate(service, 'carol', 'dave');
    expect(await refusal(update(service, 'carol', sessionId, 'ongoing'))).toBe(
      'ERR_CALL_BUSY_SELF',
    );
    await update(service, 'bob', sessionId, 'ongoing');
    await update(service, 'bob', sessionId, 'ended');
    expect(await refusal(update(service, 'bob', sessionId, 'ended'))).toBe(
      'ERR_CALL_GROUP_ALREADY_LEFT',
    );
    expect(await refusal(update(service, 'alice', sessionId, 'cancelled'))).toBe(
      'ERR_CALL_ONGOING_TO_INVALID',
    );
    // Only the accepted steps were stored.
    expect(stored).toEqual([
      'initiated by alice',
      'initiated by carol',
      'ongoing by bob',
      'left by bob',
    ]);
  });

  it('a group call nobody joins ends as unanswered, even across a restart', async () => {
    const { replica, stored, advance } = platform();
    const sessionId = sessionOf(await callGroup(replica(), 'alice'));
    advance(RING * 1000);
    await replica().sweep();
    await replica().sweep();
    expect(stored).toEqual(['initiated by alice', 'unanswered by alice']);
    expect(await refusal(update(replica(), 'bob', sessionId, 'ongoing'))).toBe(
      'ERR_CALL_TERMINATED',
    );
    await expect(callGroup(replica(), 'alice')).resolves.toBeDefined();
  });

  it('relays signalling only between the parties of a call, storing nothing', async () => {
    const { replica, stored, published } = platform();
    const service = replica();
    const oneToOne = sessionOf(await initiate(service, 'alice', 'bob'));
    const offer = { sdp: 'v=0 offer' };
    await expect(
      service.signal({ appId: 'app1', uid: 'alice', sessionId: oneToOne, data: offer }),
    ).resolves.toEqual({ to: ['bob'] });
    expect(published).toEqual([
      {
        subject: expect.stringContaining('bob'),
        frame: expect.objectContaining({
          type: 'call_signal',
          sender: 'alice',
          receiver: 'bob',
          body: { sessionId: oneToOne, data: offer },
        }),
      },
    ]);
    const signal = (uid: string, sessionId: string, to?: string) =>
      refusal(service.signal({ appId: 'app1', uid, sessionId, to, data: {} }));
    expect(await signal('carol', oneToOne)).toBe('ERR_CALL_NOT_A_PART');
    expect(await signal('alice', oneToOne, 'carol')).toBe('ERR_CALL_NOT_A_PART');
    expect(await signal('alice', 'v1.none')).toBe('ERR_CALL_SESSION_NOT_FOUND');

    const group = sessionOf(await callGroup(service, 'carol'));
    await update(service, 'dave', group, 'ongoing');
    expect(await signal('carol', group)).toBe('accepted');
    expect(published.at(-1)?.frame).toMatchObject({ sender: 'carol', receiver: 'dave' });
    // Bob is a member but not in the call.
    expect(await signal('carol', group, 'bob')).toBe('ERR_CALL_NOT_A_PART');
    await update(service, 'bob', oneToOne, 'rejected');
    expect(await signal('alice', oneToOne)).toBe('ERR_CALL_TERMINATED');
    expect(stored.filter((s) => s.includes('signal'))).toEqual([]);
  });
});
