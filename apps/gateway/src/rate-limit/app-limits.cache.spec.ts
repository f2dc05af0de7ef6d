import { MessageBus } from '@parley/common';
import { App, RPC } from '@parley/contracts';
import { GatewayEnvSchema } from '../config/gateway-env';
import { AppLimitsCache } from './app-limits.cache';

const app = (core: number, standard: number): App => ({
  appId: 'acme',
  name: 'Acme',
  limits: {
    coreRequestsPerMinute: core,
    standardRequestsPerMinute: standard,
    userMessagesPerMinute: 7,
    loginsPerIpPerMinute: 11,
  },
  createdAt: 1,
  updatedAt: 1,
});

function setup(cacheSeconds = 10) {
  const bus = { request: jest.fn().mockResolvedValue(app(3, 5)) };
  const env = GatewayEnvSchema.parse({
    PARLEY_ADMIN_KEY: 'operator-key-0123456789abcdef',
    RATE_LIMIT_CACHE_SECONDS: String(cacheSeconds),
  });
  return { bus, cache: new AppLimitsCache(bus as unknown as MessageBus, env) };
}

describe('AppLimitsCache', () => {
  afterEach(() => jest.useRealTimers());

  it("asks identity for the app's limits once per cache period", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { bus, cache } = setup(10);
    const [a, b] = await Promise.all([cache.limitsOf('acme'), cache.limitsOf('acme')]);
    expect(a).toEqual({ core: 3, standard: 5, user: 7, ip: 11 });
    expect(b).toBe(a);
    expect(bus.request).toHaveBeenCalledTimes(1);
    expect(bus.request).toHaveBeenCalledWith(RPC.identity.appGet, { appId: 'acme' });

    bus.request.mockResolvedValue(app(30, 50)); // PATCH /admin/apps
    jest.setSystemTime(1_000_000 + 9_999);
    await expect(cache.limitsOf('acme')).resolves.toEqual({
      core: 3,
      standard: 5,
      user: 7,
      ip: 11,
    });
    jest.setSystemTime(1_000_000 + 10_000);
    await expect(cache.limitsOf('acme')).resolves.toEqual({
      core: 30,
      standard: 50,
      user: 7,
      ip: 11,
    });
    expect(bus.request).toHaveBeenCalledTimes(2);
  });

  it('asks every time when the cache is off', async () => {
    const { bus, cache } = setup(0);
    await cache.limitsOf('acme');
    await cache.limitsOf('acme');
    expect(bus.request).toHaveBeenCalledTimes(2);
  });

  it("uses CometChat's defaults when identity does not answer", async () => {
    const { bus, cache } = setup(10);
    bus.request.mockRejectedValue(new Error('timeout'));
    await expect(cache.limitsOf('acme')).resolves.toEqual({
      core: 10_000,
      standard: 20_000,
      user: 600,
      ip: 300,
    });
  });
});
