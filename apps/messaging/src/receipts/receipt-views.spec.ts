import { Message } from '@parley/contracts';
import { T0 } from '../testing/message.factory';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MarkRow } from './receipt.entity';
import { ReceiptRepository } from './receipt.repository';
import { ReceiptViews } from './receipt-views';

const at = (s: number) => new Date(T0.getTime() + s * 1000);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function message(over: Partial<Message>): Message {
  return {
    id: '1',
    conversationId: 'alice_user_bob',
    sender: 'alice',
    receiver: 'bob',
    receiverType: 'user',
    category: 'message',
    type: 'text',
    data: {},
    sentAt: 0,
    updatedAt: 0,
    seq: 1,
    ...over,
  };
}

const mark = (over: Partial<MarkRow>): MarkRow => ({
  conversation_id: 'alice_user_bob',
  uid: 'bob',
  kind: 'delivered',
  from_seq: '0',
  to_seq: '1',
  marked_at: T0,
  ...over,
});

function setup(marks: MarkRow[]) {
  const repo = { marksCovering: jest.fn(async () => marks) };
  return {
    repo,
    views: new ReceiptViews(
      repo as unknown as ReceiptRepository,
      {} as unknown as ParticipantDirectory,
    ),
  };
}

describe('ReceiptViews', () => {
  it("gives a 1:1 message its receiver's receipt times from the mark that covered its seq", async () => {
    const { views, repo } = setup([
      mark({ kind: 'delivered', from_seq: '0', to_seq: '2', marked_at: at(10) }),
      mark({ kind: 'delivered', from_seq: '2', to_seq: '3', marked_at: at(20) }),
      mark({ kind: 'read', from_seq: '0', to_seq: '1', marked_at: at(30) }),
    ]);
    const msgs = [1, 2, 3, 4].map((seq) => message({ id: String(seq), seq }));
    await views.decorate('app1', 'alice', msgs);
    expect(repo.marksCovering).toHaveBeenCalledWith('app1', [
      { conversationId: 'alice_user_bob', lo: 1, hi: 4, uid: undefined },
    ]);
    expect(msgs.map((m) => [m.deliveredAt, m.readAt])).toEqual([
      [seconds(at(10)), seconds(at(30))],
      [seconds(at(10)), undefined],
      [seconds(at(20)), undefined],
      [undefined, undefined],
    ]);
    // alice sent them: nothing of hers is "to me".
    expect(msgs[0]).not.toHaveProperty('readByMeAt');
  });

  it("gives the viewer their own receipt of what was sent to them, reading only the group's and their marks", async () => {
    const { views, repo } = setup([
      mark({ conversation_id: 'group_team', uid: 'bob', kind: 'read', marked_at: at(5) }),
    ]);
    const m = message({ conversationId: 'group_team', receiver: 'team', receiverType: 'group' });
    await views.decorate('app1', 'bob', [m]);
    expect(repo.marksCovering).toHaveBeenCalledWith('app1', [
      { conversationId: 'group_team', lo: 1, hi: 1, uid: '*' },
      { conversationId: 'group_team', lo: 1, hi: 1, uid: 'bob' },
    ]);
    expect(m).toMatchObject({ readByMeAt: seconds(at(5)) });
    expect(m).not.toHaveProperty('readAt');
    expect(m).not.toHaveProperty('readByAll');
  });

  it("marks a group message delivered to and read by all from the group's marks", async () => {
    const { views, repo } = setup([
      mark({
        conversation_id: 'group_team',
        uid: '*',
        kind: 'delivered',
        to_seq: '2',
        marked_at: at(7),
      }),
    ]);
    const group = {
      conversationId: 'group_team',
      receiver: 'team',
      receiverType: 'group' as const,
    };
    const [m1, m3] = [message({ ...group }), message({ ...group, id: '3', seq: 3 })];
    await views.decorate('app1', 'alice', [m1, m3]);
    expect(repo.marksCovering).toHaveBeenCalledWith('app1', [
      { conversationId: 'group_team', lo: 1, hi: 3, uid: '*' },
    ]);
    expect(m1).toMatchObject({ deliveredAt: seconds(at(7)), deliveredToAll: true });
    expect(m1).not.toHaveProperty('readByAll');
    expect(m3).not.toHaveProperty('deliveredToAll');
  });
});
