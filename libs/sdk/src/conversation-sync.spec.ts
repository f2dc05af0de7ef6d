import fc from 'fast-check';
import { ConversationSync, ConversationSyncDeps } from './conversation-sync';
import type { ConversationRef, Message } from './models';
import { ParleyError } from './rest-transport';

const CONV = 'alice_user_bob';
const BOB: ConversationRef = { kind: 'user', uid: 'bob' };

/** Message `seq` of the alice-bob conversation, sent by bob (alice is the client's user). */
function msg(seq: number, from = 'bob'): Message {
  return {
    id: String(1000 + seq),
    seq,
    conversationId: CONV,
    sender: from,
    receiver: from === 'bob' ? 'alice' : 'bob',
    receiverType: 'user',
    category: 'message',
    type: 'text',
    data: { text: `m${seq}` },
    sentAt: 1_800_000_000 + seq,
    updatedAt: 1_800_000_000 + seq,
  };
}

/** A server holding seqs 1..top of one conversation, some of them hidden from this user. */
function fakeServer(top: number, hidden: Set<number> = new Set()) {
  const reads: Array<[number, number]> = [];
  const delivered: number[] = [];
  const deps: ConversationSyncDeps = {
    fetchRange: jest.fn(async (_ref, from, to, limit) => {
      reads.push([from, to]);
      const out: Message[] = [];
      for (let s = from; s <= Math.min(to, top) && out.length < limit; s++)
        if (!hidden.has(s)) out.push(msg(s));
      return out;
    }),
    baseline: jest.fn(async () => 0),
    deliver: (m) => delivered.push(m.seq),
    onError: jest.fn(),
    wait: async () => undefined,
  };
  return { deps, reads, delivered };
}

const sync = (deps: ConversationSyncDeps, pageSize?: number) =>
  new ConversationSync(deps, { me: 'alice', pageSize });

describe('ConversationSync', () => {
  it('delivers frames that follow on at once, without reading', async () => {
    const { deps, reads, delivered } = fakeServer(3);
    const s = sync(deps);
    s.seed(CONV, BOB, 0);
    [1, 2, 3].forEach((q) => s.receive(msg(q)));
    await s.idle();
    expect(delivered).toEqual([1, 2, 3]);
    expect(reads).toEqual([]);
  });

  it('reads exactly the missing range when a frame skips ahead, and delivers in order', async () => {
    const { deps, reads, delivered } = fakeServer(8);
    const s = sync(deps);
    s.seed(CONV, BOB, 4);
    s.receive(msg(8));
    await s.idle();
    expect(reads).toEqual([[5, 7]]);
    expect(delivered).toEqual([5, 6, 7, 8]);
  });

  it('drops repeated frames and frames at or below the starting point', async () => {
    const { deps, delivered } = fakeServer(3);
    const s = sync(deps);
    s.seed(CONV, BOB, 1);
    [1, 2, 2, 3, 2, 3].forEach((q) => s.receive(msg(q)));
    await s.idle();
    expect(delivered).toEqual([2, 3]);
  });

  it('orders frames that arrive out of order; a late frame that the read also brings comes once', async () => {
    const { deps, delivered } = fakeServer(4);
    const s = sync(deps);
    s.seed(CONV, BOB, 0);
    s.receive(msg(1));
    s.receive(msg(3)); // starts a read of 2
    s.receive(msg(2)); // arrives while that read runs
    s.receive(msg(4));
    await s.idle();
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('after a reconnect reads what it missed, from where it stood to the newest', async () => {
    const { deps, reads, delivered } = fakeServer(12);
    const s = sync(deps);
    s.seed(CONV, BOB, 7);
    s.receive(msg(8));
    s.catchUp(CONV, BOB, 12, 0);
    await s.idle();
    expect(reads).toEqual([[9, 12]]);
    expect(delivered).toEqual([8, 9, 10, 11, 12]);
    expect(s.positions()).toEqual({ [CONV]: 12 });
  });

  it('pages a long gap by the page size', async () => {
    const { deps, reads, delivered } = fakeServer(10);
    const s = sync(deps, 4);
    s.seed(CONV, BOB, 0);
    s.catchUp(CONV, BOB, 10, 0);
    await s.idle();
    expect(reads).toEqual([
      [1, 10],
      [5, 10],
      [9, 10],
    ]);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('passes over seqs the server does not show this user instead of waiting for them', async () => {
    const { deps, delivered } = fakeServer(5, new Set([2, 3]));
    const s = sync(deps);
    s.seed(CONV, BOB, 0);
    s.receive(msg(1));
    s.receive(msg(4));
    s.receive(msg(5));
    await s.idle();
    expect(delivered).toEqual([1, 4, 5]);
  });

  it("counts the client's own sends for the order without delivering them", async () => {
    const { deps, reads, delivered } = fakeServer(3);
    const s = sync(deps);
    s.seed(CONV, BOB, 0);
    s.receive(msg(1));
    s.receive(msg(2, 'alice'), true);
    s.receive(msg(3));
    await s.idle();
    expect(delivered).toEqual([1, 3]);
    expect(reads).toEqual([]);
  });

  it('starts a conversation first heard of at the read position, delivering the frame that announced it', async () => {
    const { deps, reads, delivered } = fakeServer(6);
    (deps.baseline as jest.Mock).mockResolvedValue(6); // read up to 6 (the user's own, elsewhere)
    const s = sync(deps);
    s.receive(msg(6));
    await s.idle();
    expect(delivered).toEqual([6]);
    expect(reads).toEqual([]);

    const other = fakeServer(6);
    (other.deps.baseline as jest.Mock).mockResolvedValue(3);
    const s2 = sync(other.deps);
    s2.receive(msg(6));
    await s2.idle();
    expect(other.reads).toEqual([[4, 5]]);
    expect(other.delivered).toEqual([4, 5, 6]);
  });

  it('holds everything until released', async () => {
    const { deps, delivered } = fakeServer(3);
    const s = sync(deps);
    s.hold();
    s.receive(msg(2));
    s.receive(msg(3));
    s.seed(CONV, BOB, 2);
    expect(delivered).toEqual([]);
    s.release();
    await s.idle();
    expect(delivered).toEqual([3]);
  });

  it('retries a read that failed for want of an answer, and gives up a refused range', async () => {
    const { deps, delivered } = fakeServer(4);
    const fetch = deps.fetchRange as jest.Mock;
    const real = fetch.getMockImplementation()!;
    fetch.mockRejectedValueOnce(new ParleyError('ERR_NETWORK', 'down', 0));
    const s = sync(deps);
    s.seed(CONV, BOB, 0);
    s.receive(msg(3));
    await s.idle();
    expect(delivered).toEqual([1, 2, 3]);
    expect(deps.onError).toHaveBeenCalledWith(expect.any(ParleyError), CONV, true);

    fetch.mockImplementation(async () => {
      throw new ParleyError('ERR_GROUP_NOT_JOINED', 'not a member', 403);
    });
    s.catchUp(CONV, BOB, 4, 0);
    await s.idle();
    expect(delivered).toEqual([1, 2, 3]);
    expect(deps.onError).toHaveBeenLastCalledWith(expect.any(ParleyError), CONV, false);
    fetch.mockImplementation(real);
  });

  it('delivers every visible message after the starting point exactly once, in seq order, whatever the frames do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 5 }),
        fc.nat({ max: 20 }),
        fc.scheduler(),
        async (top, pageSize, frameSeqs, hiddenSeqs, ownSeqs, startRaw, scheduler) => {
          const start = Math.min(startRaw, top);
          const hidden = new Set(hiddenSeqs.filter((q) => q <= top));
          const own = new Set(ownSeqs.filter((q) => q <= top && !hidden.has(q)));
          const { deps, delivered } = fakeServer(top, hidden);
          const fetchRange = deps.fetchRange;
          deps.fetchRange = scheduler.scheduleFunction(fetchRange);
          const s = sync(deps, pageSize);
          s.seed(CONV, BOB, start);
          // Frames of visible messages (the own sends come as replies instead), in any order,
          // repeated; then a reconnect that learns the newest seq.
          for (const q of frameSeqs.filter((f) => f <= top && !hidden.has(f) && !own.has(f)))
            void scheduler.schedule(Promise.resolve(q)).then(() => s.receive(msg(q)));
          for (const q of own)
            void scheduler
              .schedule(Promise.resolve(q))
              .then(() => s.receive(msg(q, 'alice'), true));
          await scheduler.waitAll();
          s.catchUp(CONV, BOB, top, 0);
          const idle = s.idle();
          await scheduler.waitAll();
          await idle;

          const expected: number[] = [];
          for (let q = start + 1; q <= top; q++) if (!hidden.has(q)) expected.push(q);
          // strictly increasing: in order and once
          for (let i = 1; i < delivered.length; i++)
            expect(delivered[i]).toBeGreaterThan(delivered[i - 1]);
          // everything visible is there; an own send only when a read brought it first
          expect(delivered.filter((q) => !own.has(q))).toEqual(expected.filter((q) => !own.has(q)));
          expect(delivered.every((q) => expected.includes(q))).toBe(true);
          expect(s.positions()[CONV]).toBe(top);
        },
      ),
      { numRuns: 300 },
    );
  });
});
