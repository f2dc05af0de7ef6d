import { randomUUID } from 'node:crypto';
import { Clock, MessageBus, Redis } from '@parley/common';
import { Call } from '@parley/contracts';
import { CallService } from './call.service';
import { MemoryCallStore } from './call.memory-store';
import { RedisCallStore } from './call.redis-store';
import { CallStore } from './call.store';

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
  /** What messaging was asked to store, as `<status> by <actor>`; `failing` refuses the next. */
  const stored: string[] = [];
  const messaging = { failing: 0 };
  const bus = {
    request: jest.fn(async (_rpc: unknown, req: { actor: string; call: Call }) => {
      if (messaging.failing > 0) {
        messaging.failing -= 1;
        throw new Error('messaging unavailable');
      }
      stored.push(`${req.call.status} by ${req.actor}`);
      return { data: { action: req.call.status, entities: { on: { entity: req.call } } } };
    }),
  } as unknown as MessageBus;
  /** A presence replica: a fresh service over the shared Redis. */
  const replica = () =>
    new CallService(storeOf(), bus, clock, {
      CALL_RING_TIMEOUT_SECONDS: RING,
    });
  return {
    replica,
    stored,
    messaging,
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
const update = (service: CallService, uid: string, sessionId: string, status: 'ongoing') =>
  service.update({ appId: 'app1', uid, sessionId, update: { status } });

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
});
