import { Group, groupConversationId, User } from '@parley/contracts';

/**
 * The reply to a user's own join (API.md §2): the `joined` action message (reference §6.4), whose
 * `data.entities.for.entity` is the group as the new member sees it. CometChat's SDK reads the
 * group from exactly there (`joinGroup`). The message is composed from the join, not read back from
 * the conversation, so it carries no id.
 */
export function joinedActionOf(group: Group, user: User) {
  const at = group.joinedAt ?? group.updatedAt ?? group.createdAt;
  const userEntity = { entity: user, entityType: 'user' };
  return {
    conversationId: groupConversationId(group.guid),
    sender: user.uid,
    receiver: group.guid,
    receiverType: 'group',
    category: 'action',
    type: 'groupMember',
    data: {
      action: 'joined',
      entities: { by: userEntity, on: userEntity, for: { entity: group, entityType: 'group' } },
    },
    ...(at !== undefined && { sentAt: at, updatedAt: at }),
  };
}
