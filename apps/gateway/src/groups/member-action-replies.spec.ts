import { DomainError, MessageBus } from '@parley/common';
import { Message } from '@parley/contracts';
import {
  addedUids,
  joinedReply,
  MemberActionReplies,
  withAddedMessages,
} from './member-action-replies';

const action = (uid: string, act = 'added'): Message => ({
  id: `m-${uid}`,
  conversationId: 'group_team',
  sender: 'own',
  receiver: 'team',
  receiverType: 'group',
  category: 'action',
  type: 'groupMember',
  data: {
    action: act,
    entities: {
      by: { entity: { uid: 'own' }, entityType: 'user' },
      on: { entity: { uid }, entityType: 'user' },
      for: { entity: { guid: 'team', membersCount: 3 }, entityType: 'group' },
    },
  },
  sentAt: 1,
  updatedAt: 1,
  seq: 4,
});
const failed = { success: false as const, error: { code: 'ERR_ALREADY_JOINED', message: 'x' } };

describe('member action replies', () => {
  it("puts each added member's action message in their item, and nothing in the others", () => {
    const results = {
      admins: { amy: { success: true as const } },
      participants: { ben: { success: true as const }, par: failed },
      usersToBan: { out: { success: true as const } },
    };
    expect(addedUids(results)).toEqual(['amy', 'ben']);
    expect(withAddedMessages(results, { amy: action('amy') })).toEqual({
      admins: { amy: { success: true, data: action('amy') } },
      participants: { ben: { success: true }, par: failed },
      usersToBan: { out: { success: true } },
    });
  });

  it('answers a join with the joined message whose group is the one the member sees', () => {
    const group = { guid: 'team', hasJoined: true, scope: 'participant', joinedAt: 5 };
    const reply = joinedReply(action('amy', 'joined'), group);
    expect(reply.data.entities).toMatchObject({
      on: { entity: { uid: 'amy' } },
      for: { entity: group, entityType: 'group' },
    });
    expect(reply.id).toBe('m-amy');
  });

  it('waits for the messages after the mark, and answers without them when messaging fails', async () => {
    const request = jest.fn(async (def: { subject: string }, _payload: unknown) => {
      if (def.subject === 'rpc.messaging.action.mark') return { afterSeq: 3 };
      return { messages: { amy: action('amy') } };
    });
    const replies = new MemberActionReplies({ request } as unknown as MessageBus);
    const afterSeq = await replies.mark('app1', 'team');
    expect(await replies.collect('app1', 'team', 'added', ['amy'], afterSeq)).toEqual({
      amy: action('amy'),
    });
    expect(request.mock.calls[1][1]).toMatchObject({ afterSeq: 3, uids: ['amy'] });

    request.mockRejectedValue(new DomainError('ERR_SERVICE_UNAVAILABLE'));
    expect(await replies.mark('app1', 'team')).toBeUndefined();
    expect(await replies.collect('app1', 'team', 'added', ['amy'], 3)).toEqual({});
    // No mark: nothing to wait for.
    request.mockClear();
    expect(await replies.collect('app1', 'team', 'added', ['amy'], undefined)).toEqual({});
    expect(request).not.toHaveBeenCalled();
  });
});
