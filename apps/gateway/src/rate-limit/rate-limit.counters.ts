import { Inject, Injectable } from '@nestjs/common';
import { Redis } from '@parley/common';

/** Request counters in Redis, shared by every gateway. */
@Injectable()
export class RateLimitCounters {
  constructor(@Inject(Redis) private readonly redis: Redis) {}

  /**
   * Adds one to the counter `key` and returns its new value; the key expires at `expireAtMs` (Unix
   * ms). One round trip: INCR and PEXPIREAT in a MULTI. Rejects when Redis is unavailable.
   */
  async hit(key: string, expireAtMs: number): Promise<number> {
    const results = await this.redis.multi().incr(key).pexpireat(key, expireAtMs).exec();
    if (!results) throw new Error('rate limit transaction aborted');
    const [err, count] = results[0];
    if (err) throw err;
    return Number(count);
  }
}
