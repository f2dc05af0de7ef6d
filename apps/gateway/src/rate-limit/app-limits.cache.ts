import { Inject, Injectable } from '@nestjs/common';
import { MessageBus, rootLogger } from '@parley/common';
import { DEFAULT_APP_LIMITS, RPC } from '@parley/contracts';
import { GATEWAY_ENV, GatewayEnv } from '../config/gateway-env';
import type { RateLimitBucket } from './rate-limit-bucket';
import type { RequestScope } from './request-scopes';

/** Requests per minute, per budget: the app's two, and each user's and each client IP's. */
export type BucketLimits = Record<RateLimitBucket | RequestScope, number>;

interface Entry {
  limits: Promise<BucketLimits>;
  expiresAt: number;
}

const DEFAULTS: BucketLimits = {
  core: DEFAULT_APP_LIMITS.coreRequestsPerMinute,
  standard: DEFAULT_APP_LIMITS.standardRequestsPerMinute,
  user: DEFAULT_APP_LIMITS.userMessagesPerMinute,
  ip: DEFAULT_APP_LIMITS.loginsPerIpPerMinute,
};

/**
 * Each app's rate limits (its `limits`, from identity), cached per gateway for
 * `RATE_LIMIT_CACHE_SECONDS`: a PATCH /admin/apps change applies within that. Concurrent lookups
 * of one app share one request; when identity does not answer, the defaults apply for the same time.
 */
@Injectable()
export class AppLimitsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly log = rootLogger().child({ component: 'rate-limit' });

  constructor(
    private readonly bus: MessageBus,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
  ) {
    this.ttlMs = env.RATE_LIMIT_CACHE_SECONDS * 1000;
  }

  limitsOf(appId: string): Promise<BucketLimits> {
    const now = Date.now();
    const hit = this.entries.get(appId);
    if (hit && hit.expiresAt > now) return hit.limits;
    const limits = this.fetch(appId);
    if (this.ttlMs > 0) {
      if (this.entries.size > 100_000) this.entries.clear(); // bound memory
      this.entries.set(appId, { limits, expiresAt: now + this.ttlMs });
    }
    return limits;
  }

  private async fetch(appId: string): Promise<BucketLimits> {
    try {
      const app = await this.bus.request(RPC.identity.appGet, { appId });
      return {
        core: app.limits.coreRequestsPerMinute,
        standard: app.limits.standardRequestsPerMinute,
        user: app.limits.userMessagesPerMinute,
        ip: app.limits.loginsPerIpPerMinute,
      };
    } catch (err) {
      this.log.warn(
        { appId, err: err instanceof Error ? err.message : String(err) },
        'app limits unavailable; using the defaults',
      );
      return DEFAULTS;
    }
  }
}
