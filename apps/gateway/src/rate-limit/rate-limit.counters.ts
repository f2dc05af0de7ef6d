/**
 * Request counters of the rate limits: in Redis when gateways run apart, so that they count
 * together (`RedisRateLimitCounters`), in memory in the one-process mode (`MemoryRateLimitCounters`).
 */
export abstract class RateLimitCounters {
  /**
   * Adds one to the counter `key` and returns its new value; the key expires at `expireAtMs` (Unix
   * ms). Rejects when the counters are unavailable (the caller then serves the request unlimited).
   */
  abstract hit(key: string, expireAtMs: number): Promise<number>;

  /** The counter `key`'s value, 0 when it does not exist. Rejects when unavailable. */
  abstract count(key: string): Promise<number>;

  /** Deletes every counter whose key starts with `prefix`; returns how many there were. */
  abstract erasePrefix(prefix: string): Promise<number>;
}
