import { Clock, Metrics } from '@parley/common';
import { AppLimitsCache, BucketLimits } from './app-limits.cache';
import { RateLimitCounters } from './rate-limit.counters';
import { counterKey, decide, RateLimitService, windowOf } from './rate-limit.service';

/** 2025-01-01T00:00:00Z, a window boundary, in Unix ms. */
const MINUTE_START = Date.UTC(2025, 0, 1);
const AT_20S = MINUTE_START + 20_000;

describe('rate-limit headers', () => {
  it('sends the limit and what remains while under the limit', () => {
    expect(decide(100, 1, AT_20S, MINUTE_START + 60_000)).toEqual({
      allowed: true,
      headers: { 'X-Rate-Limit': '100', 'X-Rate-Limit-Remaining': '99' },
    });
  });

  it('allows the request that reaches the limit, with nothing remaining', () => {
    expect(decide(5, 5, AT_20S, MINUTE_START + 60_000)).toEqual({
      allowed: true,
      headers: { 'X-Rate-Limit': '5', 'X-Rate-Limit-Remaining': '0' },
    });
  });

  it('refuses past the limit with Retry-After (seconds left) and X-Rate-Limit-Reset', () => {
    const end = MINUTE_START + 60_000;
    expect(decide(5, 6, AT_20S + 300, end)).toEqual({
      allowed: false,
      headers: {
        'X-Rate-Limit': '5',
        'X-Rate-Limit-Remaining': '0',
        'Retry-After': '40', // 39.7 s, rounded up: retrying then finds the new window
        'X-Rate-Limit-Reset': String(end / 1000),
      },
    });
  });

  it('never says to retry after 0 seconds', () => {
    const end = MINUTE_START + 60_000;
    expect(decide(5, 9, end - 1, end).headers['Retry-After']).toBe('1');
    expect(decide(5, 9, end, end).headers['Retry-After']).toBe('1');
  });

  it('windows are whole minutes, keyed per app, budget and minute', () => {
    expect(windowOf(MINUTE_START)).toEqual({
      index: MINUTE_START / 60_000,
      endMs: MINUTE_START + 60_000,
    });
    expect(windowOf(MINUTE_START + 59_999).index).toBe(MINUTE_START / 60_000);
    expect(windowOf(MINUTE_START + 60_000).index).toBe(MINUTE_START / 60_000 + 1);
    expect(counterKey('acme', 'core', 29_000_000)).toBe('parley:rl:acme:core:29000000');
  });
});

describe('RateLimitService', () => {
  function setup(opts: { limits?: BucketLimits; count?: number; redisDown?: boolean } = {}) {
    const limits = {
      limitsOf: jest.fn().mockResolvedValue(opts.limits ?? { core: 3, standard: 5 }),
    };
    const counters = {
      hit: opts.redisDown
        ? jest.fn().mockRejectedValue(new Error('Connection is closed.'))
        : jest.fn().mockResolvedValue(opts.count ?? 1),
    };
    const clock = { now: () => new Date(AT_20S) } as Clock;
    const service = new RateLimitService(
      limits as unknown as AppLimitsCache,
      counters as unknown as RateLimitCounters,
      clock,
      new Metrics(),
    );
    return { service, limits, counters };
  }

  it("counts the request against the app's budget for this minute", async () => {
    const { service, limits, counters } = setup({ count: 2 });
    await expect(service.admit('acme', 'standard')).resolves.toEqual({
      allowed: true,
      headers: { 'X-Rate-Limit': '5', 'X-Rate-Limit-Remaining': '3' },
    });
    expect(limits.limitsOf).toHaveBeenCalledWith('acme');
    const window = MINUTE_START / 60_000;
    expect(counters.hit).toHaveBeenCalledWith(
      `parley:rl:acme:standard:${window}`,
      MINUTE_START + 70_000, // the window's end and a little slack
    );
  });

  it('uses the limit of the budget the request counts against', async () => {
    const { service, counters } = setup({ count: 4 });
    const decision = await service.admit('acme', 'core');
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toMatchObject({
      'X-Rate-Limit': '3',
      'X-Rate-Limit-Remaining': '0',
      'Retry-After': '40',
      'X-Rate-Limit-Reset': String((MINUTE_START + 60_000) / 1000),
    });
    expect(counters.hit.mock.calls[0][0]).toContain(':core:');
  });

  it('fails open when Redis does not answer: served, with the limit and no remaining', async () => {
    const { service } = setup({ redisDown: true });
    await expect(service.admit('acme', 'standard')).resolves.toEqual({
      allowed: true,
      headers: { 'X-Rate-Limit': '5' },
    });
  });
});
