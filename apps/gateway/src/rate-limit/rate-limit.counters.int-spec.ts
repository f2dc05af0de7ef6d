import { BaseEnvSchema, loadConfig, openRedis, Redis } from '@parley/common';
import { randomUUID } from 'node:crypto';
import { RateLimitCounters } from './rate-limit.counters';

describe('RateLimitCounters on Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = openRedis(loadConfig(BaseEnvSchema).REDIS_URL, 'gateway-test');
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('counts per key and expires the key at the given time', async () => {
    await new Promise<void>((resolve) =>
      redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()),
    );
    const counters = new RateLimitCounters(redis);
    const key = `parley:rl:test-${randomUUID()}:standard:1`;
    const expireAt = Date.now() + 30_000;
    expect(await counters.hit(key, expireAt)).toBe(1);
    expect(await counters.hit(key, expireAt)).toBe(2);
    expect(await counters.hit(`${key}0`, expireAt)).toBe(1);
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(25_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
    await redis.del(key, `${key}0`);
  });

  it('gives the hits of one turn their own counts, from one INCRBY per key', async () => {
    const counters = new RateLimitCounters(redis);
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
        new RateLimitCounters(down).hit('parley:rl:x:core:1', Date.now()),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      down.disconnect();
    }
  });
});
