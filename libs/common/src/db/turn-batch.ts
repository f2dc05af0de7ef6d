/** One call of a TurnBatch, waiting for its run. */
interface Waiting<I, O> {
  input: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Calls made in the same turn of the event loop share one `run` (one statement for all of them,
 * instead of one each): each call is answered by the entry of `run`'s result at its index. Calls of
 * the same `keyOf` never share a run: the later waits for the next, which starts once this one is
 * sent. A failed run fails every call of it, unless `alone` is given: each call is then run on its
 * own, so that one call's failure (a unique violation) fails that call only.
 */
export class TurnBatch<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private scheduled = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly opts: {
      keyOf?: (input: I) => string;
      alone?: (input: I) => Promise<O>;
      max?: number;
    } = {},
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.waiting.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const max = this.opts.max ?? 100;
    const keys = new Set<string>();
    const batch: Array<Waiting<I, O>> = [];
    const later: Array<Waiting<I, O>> = [];
    for (const w of this.waiting) {
      const key = this.opts.keyOf?.(w.input);
      if (batch.length >= max || (key !== undefined && keys.has(key))) {
        later.push(w);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(w);
    }
    this.waiting = later;
    this.schedule();
    void this.send(batch);
  }

  private async send(batch: Array<Waiting<I, O>>): Promise<void> {
    const { alone } = this.opts;
    try {
      const out =
        batch.length === 1 && alone
          ? [await alone(batch[0].input)]
          : await this.run(batch.map((w) => w.input));
      batch.forEach((w, i) => w.resolve(out[i]));
    } catch (err) {
      if (!alone || batch.length === 1) {
        for (const w of batch) w.reject(err);
        return;
      }
      // Whose the failure was is unknown: each call again, on its own.
      for (const w of batch) alone(w.input).then(w.resolve, w.reject);
    }
  }
}
