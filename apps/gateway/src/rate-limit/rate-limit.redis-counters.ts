import { Inject, Injectable } from '@nestjs/common';
import { deleteKeysMatching, Redis } from '@parley/common';
import { RateLimitCounters } from './rate-limit.counters';

interface PendingKey {
  expireAtMs: number;
  hits: Array<{ resolve: (count: number) => void; reject: (err: unknown) => void }>;
}

/**
 * Request counters in Redis, shared by every gateway. The hits of one event-loop turn go to Redis
 * together: one INCRBY per key (with its PEXPIREAT) in one MULTI, one round trip for them all, and
 * each hit gets its own count out of the range the INCRBY added, as if each had been its own INCR.
 */
@Injectable()
export class RedisRateLimitCounters extends RateLimitCounters {
  private pending = new Map<string, PendingKey>();
  private scheduled = false;

  constructor(@Inject(Redis) private readonly redis: Redis) {
    super();
  }

  /**
   * Adds one to the counter `key` and returns its new value; the key expires at `expireAtMs` (Unix
   * ms). Rejects when Redis is unavailable.
   */
  hit(key: string, expireAtMs: number): Promise<number> {
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { expireAtMs, hits: [] };
      this.pending.set(key, entry);
    }
    entry.expireAtMs = Math.max(entry.expireAtMs, expireAtMs);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const hits = entry.hits;
    return new Promise((resolve, reject) => hits.push({ resolve, reject }));
  }

  async count(key: string): Promise<number> {
    return Number((await this.redis.get(key)) ?? 0);
  }

  erasePrefix(prefix: string): Promise<number> {
    return deleteKeysMatching(this.redis, `${prefix}*`);
  }

  private flush(): void {
    const batch = [...this.pending];
    this.pending = new Map();
    this.scheduled = false;
    const multi = this.redis.multi();
    for (const [key, { expireAtMs, hits }] of batch) {
      multi.incrby(key, hits.length).pexpireat(key, expireAtMs);
    }
    multi.exec().then(
      (results) => {
        batch.forEach(([, { hits }], i) => {
          const [err, total] = results?.[2 * i] ?? [new Error('rate limit transaction aborted')];
          if (err) return hits.forEach((h) => h.reject(err));
          // The hits of a key share its range, in the order they came: total-n+1 ... total.
          const first = Number(total) - hits.length + 1;
          hits.forEach((h, j) => h.resolve(first + j));
        });
      },
      (err: unknown) => batch.forEach(([, { hits }]) => hits.forEach((h) => h.reject(err))),
    );
  }
}
