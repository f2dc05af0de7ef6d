import { toSeconds } from '@parley/common';
import { User } from '@parley/contracts';
import { UserEntity } from './user.entity';

/** The contract's user: unset optional fields omitted, `tags` always an array, `deletedAt` never shown. */
export function toUser(e: UserEntity): User {
  const u: User = {
    uid: e.uid,
    name: e.name,
    role: e.role,
    // As stored; reads take `status` and `lastActiveAt` from the presence service.
    status: 'offline',
    tags: [...e.tags],
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
  if (e.avatar !== null) u.avatar = e.avatar;
  if (e.link !== null) u.link = e.link;
  if (e.statusMessage !== null) u.statusMessage = e.statusMessage;
  if (e.metadata !== null) u.metadata = e.metadata;
  if (e.lastActiveAt !== null) u.lastActiveAt = toSeconds(e.lastActiveAt);
  if (e.deactivatedAt !== null) u.deactivatedAt = toSeconds(e.deactivatedAt);
  return u;
}
