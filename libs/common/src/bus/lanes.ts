/** A key's lane: a stable hash (FNV-1a) of the key, modulo the number of lanes. */
export function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}

/**
 * Runs work in `count` lanes: work of one key runs after the earlier work of that key, in the
 * order given; work of different keys side by side. One lane runs everything in order.
 */
export class Lanes {
  private readonly tails: Promise<void>[];

  constructor(private readonly count: number) {
    this.tails = Array.from({ length: Math.max(1, count) }, () => Promise.resolve());
  }

  /** Queues `work` behind the earlier work of its key's lane. */
  run(key: string, work: () => Promise<void>): void {
    const lane = this.tails.length === 1 ? 0 : laneOf(key, this.tails.length);
    this.tails[lane] = this.tails[lane].then(work);
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    await Promise.all(this.tails);
  }
}
