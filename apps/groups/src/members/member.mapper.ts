import { DomainError, toSeconds } from '@parley/common';
import {
  BannedMember,
  ErrorCode,
  GroupMember,
  MemberItemResult,
  MemberScopeResult,
  User,
} from '@parley/contracts';
import type { BanEntity } from './ban.entity';
import type { MemberEntity } from './member.entity';

/** A member in a member list: the user with their scope and joinedAt (reference §5.3). */
export function toGroupMember(user: User, m: MemberEntity): GroupMember {
  return { ...user, scope: m.scope, joinedAt: toSeconds(m.joinedAt) };
}

/** A user in a group's banned list. */
export function toBannedMember(user: User, ban: BanEntity): BannedMember {
  return { ...user, isBanned: true, bannedAt: toSeconds(ban.bannedAt) };
}

/** The change-scope reply `{guid, uid, scope, joinedAt}` (reference §4.7). */
export function toScopeResult(m: MemberEntity): MemberScopeResult {
  return { guid: m.guid, uid: m.uid, scope: m.scope, joinedAt: toSeconds(m.joinedAt) };
}

/** One uid's failure in a bulk reply, with the code's default text unless a message is given. */
export function itemFailed(code: ErrorCode, message?: string): MemberItemResult {
  return { success: false, error: { code, message: new DomainError(code, message).message } };
}

/** A refusal thrown by a rule, as one uid's failure. */
export function itemRefused(err: DomainError): MemberItemResult {
  return { success: false, error: { code: err.code, message: err.message } };
}

// The "added" action message goes in `data` once messaging builds action messages from the events.
export const ITEM_SUCCEEDED: MemberItemResult = { success: true };
