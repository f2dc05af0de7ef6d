import { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppLimitsCache } from './app-limits.cache';
import { RateLimitCounters } from './rate-limit.counters';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { OperatorKeyLimiter } from './operator-key-limiter';
import { MemoryRateLimitCounters } from './rate-limit.memory-counters';
import { RedisRateLimitCounters } from './rate-limit.redis-counters';
import { RateLimitService } from './rate-limit.service';

/**
 * The per-app rate limits and the operator key's per-address limit, for the gateway module: counted in Redis (the module then imports
 * RedisModule), or in memory in the one-process mode (`counters: 'memory'`).
 */
export function rateLimitProviders(counters: 'redis' | 'memory'): Provider[] {
  return [
    AppLimitsCache,
    {
      provide: RateLimitCounters,
      useClass: counters === 'redis' ? RedisRateLimitCounters : MemoryRateLimitCounters,
    },
    RateLimitService,
    OperatorKeyLimiter,
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ];
}
