import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock, rootLogger } from '@parley/common';
import { GATEWAY_ENV, GatewayEnv } from '../config/gateway-env';
import { RateLimitCounters } from './rate-limit.counters';
import { decide, EXPIRY_SLACK_MS, RateLimitDecision, windowOf } from './rate-limit.service';

/**
 * The counter of wrong operator keys from `ip` in `window`. It belongs to no app; `deployment` (a
 * digest of the operator key) keeps apart deployments that share a Redis.
 */
export const operatorFailureKey = (deployment: string, ip: string, window: number) =>
  `parley:rl-operator:${deployment}:ip:${ip}:${window}`;

/**
 * Wrong operator keys (`x-admin-key`) per client address and minute, counted across gateways
 * (`OPERATOR_KEY_FAILURES_PER_IP_PER_MINUTE`). Once an address has used up its budget, every
 * operator request from it is refused until the minute ends, a right key included, so guessing
 * the key costs a minute per budget. The address is the request's `ip`, which believes
 * `X-Forwarded-For` only as far as `TRUST_PROXY` says. When the counters are unavailable nothing is
 * refused (as the app limits).
 */
@Injectable()
export class OperatorKeyLimiter {
  private readonly log = rootLogger().child({ component: 'operator-key-limiter' });
  private readonly limit: number;
  private readonly deployment: string;

  constructor(
    private readonly counters: RateLimitCounters,
    private readonly clock: Clock,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
  ) {
    this.limit = env.OPERATOR_KEY_FAILURES_PER_IP_PER_MINUTE;
    this.deployment = createHash('sha256')
      .update(`operator-key-limit:${env.PARLEY_ADMIN_KEY}`)
      .digest('hex')
      .slice(0, 12);
  }

  /** Before the key is compared: a refusal (with its headers) when `ip` has no attempt left. */
  async refusal(ip: string): Promise<RateLimitDecision | undefined> {
    const nowMs = this.clock.now().getTime();
    const window = windowOf(nowMs);
    const failed = await this.counters
      .count(operatorFailureKey(this.deployment, ip, window.index))
      .catch(() => 0);
    if (failed < this.limit) return undefined;
    return decide(this.limit, failed + 1, nowMs, window.endMs);
  }

  /** Counts a wrong key from `ip`; the headers to send, refusing once it is past the budget. */
  async failed(ip: string): Promise<RateLimitDecision> {
    const nowMs = this.clock.now().getTime();
    const window = windowOf(nowMs);
    let failed: number;
    try {
      failed = await this.counters.hit(
        operatorFailureKey(this.deployment, ip, window.index),
        window.endMs + EXPIRY_SLACK_MS,
      );
    } catch {
      return { allowed: true, headers: { 'X-Rate-Limit': String(this.limit) } };
    }
    const decision = decide(this.limit, failed, nowMs, window.endMs);
    if (failed === this.limit)
      this.log.warn({ ip }, 'operator keys refused this minute: too many wrong ones');
    return decision;
  }
}
