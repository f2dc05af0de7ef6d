import { groupSnapshot, profile, T0 } from '../testing/message.factory';
import { UserConversationRow } from './conversation.entity';
import { toConversation } from './conversation.mapper';

const row = (over: Partial<UserConversationRow> = {}): UserConversationRow => ({
  conversation_id: 'alice_user_bob',
  conversation_type: 'user',
  last_seq: '5',
  last_message_id: '105',
  created_at: T0,
  updated_at: new Date(T0.getTime() + 60_000),
  with_id: 'alice',
  read_seq: '3',
  delivered_seq: '4',
  unread: '2',
  tags: ['work'],
  scope: null,
  profile: profile('alice', { metadata: { '@private': { email: 'a@x' }, team: 'a' } }),
  snapshot: null,
  last_read_message_id: '103',
  total: '1',
  ...over,
});

describe('toConversation', () => {
  it('shows a 1:1 conversation with the other user, integer counts and seconds', () => {
    const c = toConversation(row());
    expect(c).toEqual({
      conversationId: 'alice_user_bob',
      conversationType: 'user',
      conversationWith: expect.objectContaining({
        uid: 'alice',
        name: 'Name alice',
        metadata: { team: 'a' },
        conversationId: 'alice_user_bob',
      }),
      unreadMessageCount: 2,
      tags: ['work'],
      createdAt: Math.floor(T0.getTime() / 1000),
      updatedAt: Math.floor(T0.getTime() / 1000) + 60,
      lastSeq: 5,
      readSeq: 3,
      deliveredSeq: 4,
      latestMessageId: '105',
      lastReadMessageId: '103',
    });
    expect(JSON.stringify(c)).not.toContain('@private');
  });

  it("shows a group conversation with the group, the viewer's scope and hasJoined", () => {
    const c = toConversation(
      row({
        conversation_id: 'group_team',
        conversation_type: 'group',
        with_id: 'team',
        profile: null,
        snapshot: groupSnapshot('team'),
        scope: 'moderator',
        last_read_message_id: null,
      }),
    );
    expect(c.conversationWith).toMatchObject({
      guid: 'team',
      name: 'Group team',
      hasJoined: true,
      scope: 'moderator',
    });
    expect(c).not.toHaveProperty('lastReadMessageId');
  });
});
