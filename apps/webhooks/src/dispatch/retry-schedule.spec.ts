import { retryDelayMs } from './retry-schedule';

describe('retryDelayMs', () => {
  it('doubles per attempt from the base, between half and all of each step', () => {
    for (const [attempt, step] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
    ]) {
      expect(retryDelayMs(attempt, 1000, 60_000, () => 0)).toBe(step / 2);
      expect(retryDelayMs(attempt, 1000, 60_000, () => 0.999999)).toBeCloseTo(step, -1);
    }
  });

  it('never waits longer than the maximum, however many attempts failed', () => {
    expect(retryDelayMs(30, 1000, 60_000, () => 0.999999)).toBeLessThanOrEqual(60_000);
    expect(retryDelayMs(1000, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('spreads retries: different random draws give different delays', () => {
    const delays = new Set([0.1, 0.5, 0.9].map((r) => retryDelayMs(3, 1000, 60_000, () => r)));
    expect(delays.size).toBe(3);
  });
});
