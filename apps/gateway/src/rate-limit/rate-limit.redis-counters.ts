import { Inject, Injectable } from '@nestjs/common';
import { Redis } from '@parley/common';
import { RateLimitCounters } from './rate-limit.counters';

/** Request counters in Redis, shared by every gateway. */
@Injectable()
export class RedisRateLimitCounters extends RateLimitCounters {
  constructor(@Inject(Redis) private readonly redis: Redis) {
    super();
  }

  /** One round trip: INCR and PEXPIREAT in a MULTI. */
  async hit(key: string, expireAtMs: number): Promise<number> {
    const results = await this.redis.multi().incr(key).pexpireat(key, expireAtMs).exec();
    if (!results) throw new Error('rate limit transaction aborted');
    const [err, count] = results[0];
    if (err) throw err;
    return Number(count);
  }
}
