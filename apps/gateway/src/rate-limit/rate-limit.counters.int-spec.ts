import { BaseEnvSchema, loadConfig, openRedis, Redis } from '@parley/common';
import { randomUUID } from 'node:crypto';
import { RateLimitCounters } from './rate-limit.counters';
import { MemoryRateLimitCounters } from './rate-limit.memory-counters';
import { RedisRateLimitCounters } from './rate-limit.redis-counters';

let redis: Redis;
beforeAll(async () => {
  redis = openRedis(loadConfig(BaseEnvSchema).REDIS_URL, 'gateway-test');
  await new Promise<void>((resolve) =>
    redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()),
  );
});
afterAll(async () => {
  await redis.quit();
});

const COUNTERS: Record<string, () => RateLimitCounters> = {
  Redis: () => new RedisRateLimitCounters(redis),
  memory: () => new MemoryRateLimitCounters(),
};

describe.each(Object.entries(COUNTERS))('RateLimitCounters in %s', (_name, make) => {
  it('counts per key', async () => {
    const counters = make();
    const key = `parley:rl:test-${randomUUID()}:standard:1`;
    const expireAt = Date.now() + 30_000;
    expect(await counters.hit(key, expireAt)).toBe(1);
    expect(await counters.hit(key, expireAt)).toBe(2);
    expect(await counters.hit(`${key}0`, expireAt)).toBe(1);
  });

  it('starts again from one once the key expired', async () => {
    const counters = make();
    const key = `parley:rl:test-${randomUUID()}:core:1`;
    expect(await counters.hit(key, Date.now() - 1)).toBe(1);
    expect(await counters.hit(key, Date.now() + 30_000)).toBe(1);
  });
});

describe('RateLimitCounters on Redis', () => {
  it('expires the key at the given time', async () => {
    const key = `parley:rl:test-${randomUUID()}:standard:1`;
    const expireAt = Date.now() + 30_000;
    await new RedisRateLimitCounters(redis).hit(key, expireAt);
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(25_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
    await redis.del(key);
  });

  it('gives the hits of one turn their own counts, from one INCRBY per key', async () => {
    const counters = new RedisRateLimitCounters(redis);
    const key = `parley:rl:test-${randomUUID()}:core:1`;
    const other = `${key}-other`;
    const expireAt = Date.now() + 30_000;
    const multi = jest.spyOn(redis, 'multi');
    const counts = await Promise.all([
      counters.hit(key, expireAt),
      counters.hit(key, expireAt),
      counters.hit(other, expireAt),
      counters.hit(key, expireAt),
    ]);
    expect(multi).toHaveBeenCalledTimes(1);
    multi.mockRestore();
    expect(counts).toEqual([1, 2, 1, 3]);
    expect(await counters.hit(key, expireAt)).toBe(4);
    expect(Number(await redis.get(key))).toBe(4);
    expect(await redis.pttl(other)).toBeGreaterThan(25_000);
    await redis.del(key, other);
  });

  it('fails at once, without queueing, when Redis is unreachable', async () => {
    const down = openRedis('redis://127.0.0.1:1', 'gateway-test');
    try {
      const started = Date.now();
      await expect(
        new RedisRateLimitCounters(down).hit('parley:rl:x:core:1', Date.now()),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      down.disconnect();
    }
  });
});

describe.each(Object.entries(COUNTERS))(
  'RateLimitCounters in %s, erasing an app',
  (_name, make) => {
    it("deletes the app's counters and no other app's", async () => {
      const counters = make();
      const app = `test-${randomUUID()}`;
      const expireAt = Date.now() + 30_000;
      await counters.hit(`parley:rl:${app}:core:1`, expireAt);
      await counters.hit(`parley:rl:${app}:standard:1`, expireAt);
      await counters.hit(`parley:rl:${app}x:core:1`, expireAt);
      expect(await counters.erasePrefix(`parley:rl:${app}:`)).toBe(2);
      expect(await counters.hit(`parley:rl:${app}:core:1`, expireAt)).toBe(1);
      expect(await counters.hit(`parley:rl:${app}x:core:1`, expireAt)).toBe(2);
      await counters.erasePrefix(`parley:rl:${app}`);
    });
  },
);
