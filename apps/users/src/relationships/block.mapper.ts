import { toSeconds } from '@parley/common';
import { BlockedUser, BlockFields, userConversationId } from '@parley/contracts';
import { UserEntity } from '../users/user.entity';
import { toUser } from '../users/user.mapper';
import { BlockTimes } from './block.repository';

/**
 * The block fields of a user as a viewer sees them (reference §5.1): `blockedAt` is the viewer's own
 * block when there is one, otherwise the user's block of the viewer (BlockFieldsSchema says why).
 */
export function toBlockFields(times: BlockTimes | undefined): BlockFields {
  const fields: BlockFields = {
    blockedByMe: times?.blockedByMeAt !== undefined,
    hasBlockedMe: times?.hasBlockedMeAt !== undefined,
  };
  if (times?.blockedByMeAt) fields.blockedByMeAt = toSeconds(times.blockedByMeAt);
  const blockedAt = times?.blockedByMeAt ?? times?.hasBlockedMeAt;
  if (blockedAt) fields.blockedAt = toSeconds(blockedAt);
  return fields;
}

/**
 * A user in `viewer`'s blocked-users list: without presence (`status` offline, no `lastActiveAt`),
 * which a block hides both ways.
 */
export function toBlockedUser(
  user: UserEntity,
  times: BlockTimes | undefined,
  viewer: string,
): BlockedUser {
  const { lastActiveAt: _hidden, ...seen } = toUser(user);
  return {
    ...seen,
    ...toBlockFields(times),
    conversationId: userConversationId(viewer, user.uid),
  };
}
