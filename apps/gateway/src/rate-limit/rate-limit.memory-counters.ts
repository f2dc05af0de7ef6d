import { Injectable } from '@nestjs/common';
import { RateLimitCounters } from './rate-limit.counters';

/** How often expired counters are swept out. */
const SWEEP_EVERY_MS = 60_000;

/** Request counters in the process (the one-process mode has a single gateway). */
@Injectable()
export class MemoryRateLimitCounters extends RateLimitCounters {
  private readonly counters = new Map<string, { count: number; expireAtMs: number }>();
  private lastSweepMs = 0;

  async hit(key: string, expireAtMs: number): Promise<number> {
    const now = Date.now();
    this.sweep(now);
    const current = this.counters.get(key);
    const count = current && current.expireAtMs > now ? current.count + 1 : 1;
    this.counters.set(key, { count, expireAtMs });
    return count;
  }

  async count(key: string): Promise<number> {
    const current = this.counters.get(key);
    return current && current.expireAtMs > Date.now() ? current.count : 0;
  }

  async erasePrefix(prefix: string): Promise<number> {
    let erased = 0;
    for (const key of this.counters.keys())
      if (key.startsWith(prefix)) erased += Number(this.counters.delete(key));
    return erased;
  }

  private sweep(now: number) {
    if (now - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = now;
    for (const [key, c] of this.counters) if (c.expireAtMs <= now) this.counters.delete(key);
  }
}
