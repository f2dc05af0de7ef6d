import { toSeconds } from '@parley/common';
import { Group, GroupSnapshot, groupConversationId } from '@parley/contracts';
import type { MemberEntity } from '../members/member.entity';
import { GroupEntity } from './group.entity';

/**
 * The group every viewer shares (reference §5.2): unset optional fields omitted, `tags` always an
 * array, never the password.
 */
export function toGroup(e: GroupEntity): GroupSnapshot {
  const g: GroupSnapshot = {
    guid: e.guid,
    name: e.name,
    type: e.type,
    owner: e.owner,
    membersCount: e.membersCount,
    conversationId: groupConversationId(e.guid),
    tags: [...e.tags],
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
  if (e.icon !== null) g.icon = e.icon;
  if (e.description !== null) g.description = e.description;
  if (e.metadata !== null) g.metadata = e.metadata;
  if (e.updatedBy !== null) g.updatedBy = e.updatedBy;
  return g;
}

/** The viewer's own fields: their scope and joinedAt when a member, and whether they are. */
export function seenBy(
  group: GroupSnapshot,
  membership: Pick<MemberEntity, 'scope' | 'joinedAt'> | null | undefined,
): Group {
  if (!membership) return { ...group, hasJoined: false };
  return {
    ...group,
    scope: membership.scope,
    hasJoined: true,
    joinedAt: toSeconds(membership.joinedAt),
  };
}
