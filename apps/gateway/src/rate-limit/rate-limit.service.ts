import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Metrics, rootLogger } from '@parley/common';
import type { FastifyReply } from 'fastify';
import { Counter } from 'prom-client';
import type { AuthedRequest } from '../auth/principal.decorator';
import { AppLimitsCache } from './app-limits.cache';
import { RateLimitCounters } from './rate-limit.counters';
import { bucketOf, RateLimitBucket } from './rate-limit-bucket';
import { RequestScope, scopeOf } from './request-scopes';

/** Budgets are per minute, counted in fixed windows aligned to the minute. */
export const WINDOW_MS = 60_000;
/** Counters outlive their window a little, for gateways whose clocks run a bit behind. */
export const EXPIRY_SLACK_MS = 10_000;

export interface RateLimitDecision {
  allowed: boolean;
  /** The response headers of reference §1.2, to send whether or not the request is allowed. */
  headers: Record<string, string>;
}

/** The window `nowMs` falls in: its number (Unix minutes) and its end (Unix ms). */
export function windowOf(nowMs: number): { index: number; endMs: number } {
  const index = Math.floor(nowMs / WINDOW_MS);
  return { index, endMs: (index + 1) * WINDOW_MS };
}

/**
 * The Redis key counting an app's requests of one budget in one window; a per-user or per-IP
 * budget names whose (`user:<uid>`, `ip:<address>`).
 */
export function counterKey(appId: string, bucket: string, window: number): string {
  return `parley:rl:${appId}:${bucket}:${window}`;
}

/** A glob matching every rate-limit counter of an app. */
export const appCounterPrefix = (appId: string) => `parley:rl:${appId}:`;

/**
 * The verdict on the `count`-th request of a window (this one included) under `limit`: headers
 * `X-Rate-Limit` and `X-Rate-Limit-Remaining`, and over the limit `Retry-After` (seconds to the
 * window's end, at least 1) and `X-Rate-Limit-Reset` (the window's end, Unix seconds).
 */
export function decide(
  limit: number,
  count: number,
  nowMs: number,
  windowEndMs: number,
): RateLimitDecision {
  const headers: Record<string, string> = {
    'X-Rate-Limit': String(limit),
    'X-Rate-Limit-Remaining': String(Math.max(0, limit - count)),
  };
  if (count <= limit) return { allowed: true, headers };
  headers['Retry-After'] = String(Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000)));
  headers['X-Rate-Limit-Reset'] = String(Math.ceil(windowEndMs / 1000));
  return { allowed: false, headers };
}

/**
 * Per-app rate limits (reference §6.8): each authenticated app request counts against the app's
 * core or standard budget for the current minute, in Redis so that every gateway counts together.
 * When Redis is unavailable requests are served (fail open) with `X-Rate-Limit` and no remaining.
 */
@Injectable()
export class RateLimitService {
  private readonly log = rootLogger().child({ component: 'rate-limit' });
  private lastWarnAt = 0;
  private readonly refused: Counter<'bucket'>;
  private readonly unavailable: Counter;

  constructor(
    private readonly limits: AppLimitsCache,
    private readonly counters: RateLimitCounters,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.refused = new Counter({
      name: 'parley_rate_limited_total',
      help: 'App requests refused with 429 by the rate limits, by budget (core, standard, user, ip)',
      labelNames: ['bucket'],
      registers: [metrics.registry],
    });
    this.unavailable = new Counter({
      name: 'parley_rate_limit_unavailable_total',
      help: 'App requests served without a rate-limit check because Redis did not answer',
      registers: [metrics.registry],
    });
  }

  /**
   * Counts one request of `appId` against `bucket` (of `subject`, the uid or client address, for a
   * per-user or per-IP budget) and says whether it may proceed.
   */
  async admit(
    appId: string,
    bucket: RateLimitBucket | RequestScope,
    subject?: string,
  ): Promise<RateLimitDecision> {
    const limit = (await this.limits.limitsOf(appId))[bucket];
    const nowMs = this.clock.now().getTime();
    const window = windowOf(nowMs);
    let count: number;
    try {
      count = await this.counters.hit(
        counterKey(appId, subject === undefined ? bucket : `${bucket}:${subject}`, window.index),
        window.endMs + EXPIRY_SLACK_MS,
      );
    } catch (err) {
      this.unavailable.inc();
      this.warnUnavailable(err);
      return { allowed: true, headers: { 'X-Rate-Limit': String(limit) } };
    }
    const decision = decide(limit, count, nowMs, window.endMs);
    if (!decision.allowed) this.refused.inc({ bucket });
    return decision;
  }

  /**
   * Applies the app's rate limits to a request an app credential authenticated (`req.principal`;
   * requests without one are not limited), then the per-user or per-address budget it also spends
   * (request-scopes.ts), if any. Sets the budget's headers on `reply`; a refused request throws
   * ERR_TOO_MANY_REQUESTS (429). The rate-limit interceptor of every Nest route, and called as it
   * is by the gateway's plain routes.
   */
  async admitRequest(req: AuthedRequest, reply: FastifyReply): Promise<void> {
    const principal = req.principal;
    if (!principal) return;
    const routeTemplate = req.routeOptions.url ?? '';
    const bucket = bucketOf({ method: req.method, routeTemplate, principal, body: req.body });
    const decision = await this.admit(principal.appId, bucket);
    void reply.headers(decision.headers);
    if (!decision.allowed) {
      throw new DomainError(
        'ERR_TOO_MANY_REQUESTS',
        `This app made more ${bucket} requests this minute than its limit allows.`,
      );
    }
    const scoped = scopeOf({ method: req.method, routeTemplate, principal, ip: req.ip });
    if (!scoped) return;
    // Past a user's or an address's budget the refusal carries that budget's headers.
    const own = await this.admit(principal.appId, scoped.scope, scoped.subject);
    if (!own.allowed) {
      void reply.headers(own.headers);
      throw new DomainError(
        'ERR_TOO_MANY_REQUESTS',
        scoped.scope === 'user'
          ? 'This user sent more messages this minute than the app allows.'
          : 'Too many logins from this address this minute.',
      );
    }
  }

  private warnUnavailable(err: unknown) {
    const now = Date.now();
    if (now - this.lastWarnAt < 10_000) return; // one line per 10 s while Redis is down
    this.lastWarnAt = now;
    this.log.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'rate limits unavailable (redis); serving requests unlimited',
    );
  }
}
