export interface BackoffOptions {
  /** First wait, in ms. */
  initialMs?: number;
  /** Longest wait, in ms. */
  maxMs?: number;
  /** Growth per try. */
  factor?: number;
  /** 0..1: how much of each wait is random, so clients cut off together do not return together. */
  jitter?: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
}

/** Exponential backoff with jitter: the waits between tries, growing until `reset()`. */
export class Backoff {
  private tries = 0;
  private readonly o: Required<BackoffOptions>;

  constructor(options: BackoffOptions = {}) {
    this.o = {
      initialMs: 250,
      maxMs: 10_000,
      factor: 2,
      jitter: 0.5,
      random: Math.random,
      ...options,
    };
  }

  /** The next wait in ms. */
  next(): number {
    const base = Math.min(this.o.maxMs, this.o.initialMs * this.o.factor ** this.tries);
    this.tries += 1;
    return Math.round(base * (1 - this.o.jitter * this.o.random()));
  }

  reset(): void {
    this.tries = 0;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
