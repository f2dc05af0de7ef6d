/**
 * Milliseconds to wait after failed attempt number `attempt` (from 1): exponential backoff from
 * `baseMs`, doubling per attempt up to `maxMs`, with "equal jitter" (between half and all of the
 * step, `random` in [0, 1)) so that endpoints coming back are not hit by every retry at once.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(step / 2 + (random() * step) / 2);
}
