import { FinalState, History, SeenMessage } from './history';

/**
 * The history checker on histories written by hand: a correct one passes, and each way a platform
 * can break its promises is named in the report.
 */
const conv = 'a_user_b';
const msg = (seq: number, sender: string, muid?: string, id = String(100 + seq)): SeenMessage => ({
  id,
  conversationId: conv,
  seq,
  sender,
  category: 'message',
  ...(muid ? { muid } : {}),
});

/** a sends m1 and m2 (m2 retried), b sends m3; both receive everything live. */
function correct() {
  const h = new History();
  h.client('a', [conv]);
  h.client('b', [conv]);
  const stored = [msg(1, 'a', 'a-1'), msg(2, 'a', 'a-2'), msg(3, 'b', 'b-1')];
  for (const m of stored) {
    h.attempt(m.sender, m.muid!, conv);
    h.acknowledged(m.sender, m.muid!, m);
  }
  h.attempt('a', 'a-2', conv);
  h.acknowledged('a', 'a-2', stored[1]);
  for (const uid of ['a', 'b']) {
    h.sessionOpened(uid);
    for (const m of stored) h.live(uid, m);
  }
  const final: FinalState = {
    conversations: new Map([[conv, stored]]),
    unread: [
      { uid: 'a', conversationId: conv, count: 1 },
      { uid: 'b', conversationId: conv, count: 0 },
    ],
    events: new Map(stored.map((m) => [m.id, 1])),
  };
  return { h, stored, final };
}

describe('history checker', () => {
  it('passes a history that kept every promise, and counts what happened', () => {
    const { h, final } = correct();
    const report = h.check(final);
    expect(report.problems).toEqual([]);
    expect(report.stats).toMatchObject({ sends: 3, acknowledged: 3, retried: 1, liveFrames: 6 });
  });

  it('names a muid stored twice', () => {
    const { h, stored, final } = correct();
    final.conversations.set(conv, [...stored, msg(4, 'a', 'a-2', '999')]);
    final.events!.set('999', 1);
    const problems = h.check(final).problems.join('\n');
    expect(problems).toContain('muid stored more than once (1): a-2 of a: 2× at seq 2,4');
  });

  it('names an acknowledged message that is not stored, and a gap', () => {
    const { h, stored, final } = correct();
    final.conversations.set(conv, [stored[0], stored[2]]);
    const problems = h.check(final).problems.join('\n');
    expect(problems).toContain('acknowledged send not stored (1): a-2 of a (id 102, seq 2');
    expect(problems).toContain('conversation not numbered 1..n (1): a_user_b: seqs 1,3');
  });

  it('names seqs a client misses, a frame received twice, and a wrong unread count', () => {
    const h = new History();
    h.client('a', [conv]);
    h.client('b', [conv]);
    const stored = [msg(1, 'a', 'a-1'), msg(2, 'a', 'a-2'), msg(3, 'a', 'a-3')];
    for (const m of stored) {
      h.attempt('a', m.muid!, conv);
      h.acknowledged('a', m.muid!, m);
      h.live('a', m);
    }
    h.live('b', stored[0]);
    h.live('b', stored[0]);
    h.read('b', conv, 1);
    const problems = h
      .check({
        conversations: new Map([[conv, stored]]),
        unread: [{ uid: 'b', conversationId: conv, count: 3 }],
      })
      .problems.join('\n');
    expect(problems).toContain('client misses seqs (1): b a_user_b: 2-3');
    expect(problems).toContain('message frame received twice (1): b got 101 2×');
    expect(problems).toContain('unread count wrong (1): b a_user_b: 3, expected 2');
  });

  it('names a send never answered, answers that disagree, and missing or repeated events', () => {
    const { h, stored, final } = correct();
    h.attempt('b', 'b-9', conv);
    h.acknowledged('a', 'a-1', { ...stored[0], id: '555' });
    final.events = new Map([
      [stored[0].id, 2],
      [stored[1].id, 1],
    ]);
    const problems = h.check(final).problems.join('\n');
    expect(problems).toContain('send never answered (1): b-9 of b');
    expect(problems).toContain('one muid answered as different messages (1): a-1: 101@1 vs 555@1');
    expect(problems).toContain('message.created published more than once (1): 101 2×');
    expect(problems).toContain('stored message without message.created (1): 103');
  });
});
