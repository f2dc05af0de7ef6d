import { TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
  it('runs the calls of one turn together, and a key already in a run in the next run', async () => {
    const runs: string[][] = [];
    const batch = new TurnBatch<string, string>(
      async (inputs) => {
        runs.push(inputs);
        return inputs.map((i) => i.toUpperCase());
      },
      { keyOf: (i) => i[0] },
    );
    const out = await Promise.all(['a1', 'b1', 'a2', 'c1'].map((i) => batch.call(i)));
    expect(out).toEqual(['A1', 'B1', 'A2', 'C1']);
    expect(runs).toEqual([['a1', 'b1', 'c1'], ['a2']]);
  });

  it('fails every call of a failed run, or with `alone` runs each on its own', async () => {
    const failing = new TurnBatch<number, number>(async () => {
      throw new Error('down');
    });
    const failed = await Promise.allSettled([1, 2].map((i) => failing.call(i)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);

    const alone = jest.fn(async (i: number) => {
      if (i === 2) throw new Error('taken');
      return i * 10;
    });
    const retried = new TurnBatch<number, number>(
      async () => {
        throw new Error('one of them is taken');
      },
      { alone },
    );
    const each = await Promise.allSettled([1, 2, 3].map((i) => retried.call(i)));
    expect(each).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('taken') },
      { status: 'fulfilled', value: 30 },
    ]);
    // A call alone in its turn is run alone.
    alone.mockClear();
    expect(await retried.call(4)).toBe(40);
    expect(alone).toHaveBeenCalledTimes(1);
  });
});
