import { Group, groupConversationId, User } from '@parley/contracts';

/**
 * The reply to a user's own join when messaging's stored `joined` action message is late (see
 * MemberActionReplies): the same shape (reference §6.4), composed from the join, so without an id.
 * Its `data.entities.for.entity` is the group as the new member sees it, which is where CometChat's
 * SDK reads the joined group from (`joinGroup`); the bare group would leave the SDK's promise
 * unsettled.
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
