import { randomUUID } from 'node:crypto';
import { Clock, Metrics, Redis } from '@parley/common';
import { PresenceAnnouncer, PresenceChange } from './presence-announcer';
import { PresenceMetrics } from './presence.metrics';
import { PresenceService } from './presence.service';
import { PresenceStore } from './presence.store';

/** The presence rules on the real Redis (its Lua steps), each test under a key prefix of its own. */

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

const TTL = 10;

function setup() {
  const prefix = `test:presence:${randomUUID()}`;
  prefixes.push(prefix);
  let nowMs = 1_800_000_000_000;
  const clock = {
    now: () => new Date(nowMs),
    nowSeconds: () => Math.floor(nowMs / 1000),
  } as unknown as Clock;
  const announced: Array<[string, string, PresenceChange, number]> = [];
  const announcer = {
    announce: jest.fn(async (appId: string, uid: string, change: PresenceChange, at: number) => {
      announced.push([appId, uid, change, at]);
    }),
  } as unknown as PresenceAnnouncer;
  const store = new PresenceStore(redis, { PRESENCE_KEY_PREFIX: prefix });
  const service = new PresenceService(store, announcer, clock, new PresenceMetrics(new Metrics()), {
    PRESENCE_TTL_SECONDS: TTL,
  });
  const conn = (uid: string, gatewayId: string, connectionId: string) => ({
    appId: 'app1',
    uid,
    gatewayId,
    connectionId,
  });
  const changes = () => announced.map(([, uid, change]) => `${uid} ${change}`);
  return { service, conn, changes, advance: (ms: number) => (nowMs += ms), now: () => nowMs };
}

describe('PresenceService (Redis)', () => {
  it('is online from the first socket to the last, across gateways', async () => {
    const { service, conn, changes } = setup();
    expect(await service.opened(conn('alice', 'gw1', 'c1'))).toEqual({ online: true });
    expect(await service.opened(conn('alice', 'gw2', 'c2'))).toEqual({ online: false });
    expect(await service.onlineUids('app1')).toEqual(['alice']);
    expect(await service.closed(conn('alice', 'gw1', 'c1'))).toEqual({ offline: false });
    expect(await service.onlineUids('app1')).toEqual(['alice']);
    expect(await service.closed(conn('alice', 'gw2', 'c2'))).toEqual({ offline: true });
    expect(await service.onlineUids('app1')).toEqual([]);
    expect(changes()).toEqual(['alice online', 'alice offline']);
  });

  it("counts the app's online users, and those among some uids, once per user", async () => {
    const { service, conn } = setup();
    await service.opened(conn('alice', 'gw1', 'c1'));
    await service.opened(conn('alice', 'gw2', 'c2'));
    await service.opened(conn('bob', 'gw1', 'c3'));
    expect(await service.onlineCount('app1')).toBe(2);
    expect(await service.onlineCount('app1', ['alice', 'carol', 'alice'])).toBe(1);
    expect(await service.onlineCount('app1', [])).toBe(0);
    expect(await service.onlineCount('app2')).toBe(0);
  });

  it('ignores a close it never saw opened, and a second close', async () => {
    const { service, conn, changes } = setup();
    await service.opened(conn('alice', 'gw1', 'c1'));
    expect(await service.closed(conn('alice', 'gw1', 'other'))).toEqual({ offline: false });
    expect(await service.closed(conn('alice', 'gw1', 'c1'))).toEqual({ offline: true });
    expect(await service.closed(conn('alice', 'gw1', 'c1'))).toEqual({ offline: false });
    expect(changes()).toEqual(['alice online', 'alice offline']);
  });

  it('keeps lastActiveAt: when the user came online, then when they went offline', async () => {
    const { service, conn, advance, now } = setup();
    expect(await service.presenceOf('app1', ['alice'])).toEqual([{ uid: 'alice', online: false }]);
    await service.opened(conn('alice', 'gw1', 'c1'));
    const cameOnline = Math.floor(now() / 1000);
    expect(await service.presenceOf('app1', ['alice'])).toEqual([
      { uid: 'alice', online: true, lastActiveAt: cameOnline },
    ]);
    advance(60_000);
    await service.closed(conn('alice', 'gw1', 'c1'));
    expect(await service.presenceOf('app1', ['alice', 'alice'])).toEqual([
      { uid: 'alice', online: false, lastActiveAt: cameOnline + 60 },
    ]);
  });

  it("takes a gateway that stopped beating as dead: its users go offline, others' stay", async () => {
    const { service, conn, changes, advance } = setup();
    await service.opened(conn('alice', 'dead', 'c1'));
    await service.opened(conn('bob', 'dead', 'c2'));
    await service.opened(conn('bob', 'alive', 'c3'));
    advance(TTL * 1000 - 1);
    expect((await service.heartbeat('alive')).known).toBe(true);
    await service.sweep();
    expect(changes()).toEqual(['alice online', 'bob online']); // not yet
    advance(2);
    await service.sweep();
    expect(changes()).toEqual(['alice online', 'bob online', 'alice offline']);
    expect(await service.onlineUids('app1')).toEqual(['bob']);
    // The dead gateway is forgotten: if it was only paused, its next beat asks for a sync.
    expect(await service.heartbeat('dead')).toEqual({ known: false, ttlSeconds: TTL });
  });

  it('lets exactly one of two sweeping replicas close an expired gateway', async () => {
    const { service, conn, changes, advance } = setup();
    await service.opened(conn('alice', 'gw1', 'c1'));
    advance(TTL * 1000 + 1);
    await Promise.all([service.sweep(), service.sweep()]);
    expect(changes()).toEqual(['alice online', 'alice offline']);
  });

  it('closes the sockets of a gateway that leaves at once, and forgets it', async () => {
    const { service, conn, changes } = setup();
    await service.opened(conn('alice', 'gw1', 'c1'));
    await service.opened(conn('bob', 'gw1', 'c2'));
    await service.opened(conn('bob', 'gw2', 'c3'));
    expect(await service.left('gw1')).toEqual({ closed: 2 });
    expect(changes()).toEqual(['alice online', 'bob online', 'alice offline']);
    expect(await service.onlineUids('app1')).toEqual(['bob']);
    expect((await service.heartbeat('gw1')).known).toBe(false);
  });

  it('syncs a gateway: opens what it names, closes what it no longer holds', async () => {
    const { service, conn, changes } = setup();
    await service.opened(conn('alice', 'gw1', 'c1'));
    await service.opened(conn('bob', 'gw1', 'c2'));
    const reply = await service.sync('gw1', [
      { appId: 'app1', uid: 'bob', connectionId: 'c2' },
      { appId: 'app1', uid: 'carol', connectionId: 'c3' },
    ]);
    expect(reply).toEqual({ known: true, ttlSeconds: TTL });
    expect((await service.onlineUids('app1')).sort()).toEqual(['bob', 'carol']);
    expect(changes()).toEqual(['alice online', 'bob online', 'alice offline', 'carol online']);
  });
});
