import { toSeconds } from '@parley/common';
import { Conversation, groupConversationId, Message } from '@parley/contracts';
import { userEntity } from '../messages/message.mapper';
import { UserConversationRow } from './conversation.entity';

/**
 * A user's conversation in CometChat's shape (reference §5.5): `conversationWith` is the other
 * user's public profile, or the group with the viewer's `scope` and `hasJoined`; `lastMessage`
 * rendered like any message; counts as integers; Parley's seqs beside them.
 */
export function toConversation(row: UserConversationRow, lastMessage?: Message): Conversation {
  const conversationWith =
    row.conversation_type === 'group'
      ? {
          ...(row.snapshot ?? {
            guid: row.with_id,
            name: row.with_id,
            conversationId: groupConversationId(row.with_id),
          }),
          hasJoined: true,
          ...(row.scope ? { scope: row.scope } : {}),
        }
      : {
          ...userEntity(
            row.with_id,
            new Map(row.profile ? [[row.with_id, row.profile] as const] : []),
          ),
          conversationId: row.conversation_id,
        };
  const conversation: Conversation = {
    conversationId: row.conversation_id,
    conversationType: row.conversation_type,
    conversationWith,
    unreadMessageCount: Number(row.unread),
    tags: [...(row.tags ?? [])],
    createdAt: toSeconds(row.created_at),
    updatedAt: toSeconds(row.updated_at),
    lastSeq: Number(row.last_seq),
    readSeq: Number(row.read_seq),
    deliveredSeq: Number(row.delivered_seq),
  };
  if (lastMessage) conversation.lastMessage = lastMessage;
  if (row.last_message_id !== null) conversation.latestMessageId = String(row.last_message_id);
  if (row.last_read_message_id !== null) {
    conversation.lastReadMessageId = String(row.last_read_message_id);
  }
  return conversation;
}
