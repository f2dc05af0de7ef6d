import { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppLimitsCache } from './app-limits.cache';
import { RateLimitCounters } from './rate-limit.counters';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { RateLimitService } from './rate-limit.service';

/** The per-app rate limits, for the gateway module (which also imports RedisModule). */
export const RATE_LIMIT_PROVIDERS: Provider[] = [
  AppLimitsCache,
  RateLimitCounters,
  RateLimitService,
  { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
];
