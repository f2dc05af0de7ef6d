import { DomainError } from '@parley/common';
import {
  ErrorCode,
  GROUP_MEMBER_ARRAYS,
  GroupMemberResults,
  GroupMembersInput,
  MemberItemResult,
} from '@parley/contracts';
import type { MemberScope } from '../members/member.entity';

const SCOPE_ARRAYS = [
  ['admins', 'admin'],
  ['moderators', 'moderator'],
  ['participants', 'participant'],
] as const;

/** What creating a group with `members` does: who joins with which scope, who is banned, and the reply. */
export interface InitialMembers {
  adds: Array<{ uid: string; scope: MemberScope }>;
  bans: string[];
  results: GroupMemberResults;
}

const failure = (code: ErrorCode, message?: string): MemberItemResult => ({
  success: false,
  error: { code, message: new DomainError(code, message).message },
});
// The "added" action message goes in `data` once messaging builds action messages from the events.
const SUCCESS: MemberItemResult = { success: true };

/** Every uid named in `members`, once. */
export function initialMemberUids(members: GroupMembersInput | undefined): string[] {
  return [...new Set(GROUP_MEMBER_ARRAYS.flatMap((array) => members?.[array] ?? []))];
}

/**
 * Resolves the `members` of a new group (reference §4.6, §4.7): a uid in several scope arrays gets
 * the highest scope (admin > moderator > participant) and each array that names it reports the
 * same outcome; unknown or inactive users fail with ERR_UID_NOT_FOUND; a uid also in `usersToBan` is
 * banned and not added (ERR_BANNED_GROUPMEMBER in its scope arrays). The owner is already an admin:
 * naming them fails (ERR_ALREADY_JOINED; banning them: ERR_GROUP_NO_SELF_ACTION for the owner
 * acting, else ERR_GROUP_NO_SCOPE_CLEARANCE).
 */
export function resolveInitialMembers(
  members: GroupMembersInput | undefined,
  opts: { owner: string; actor?: string; activeUids: ReadonlySet<string> },
): InitialMembers {
  const results: GroupMemberResults = {};
  const adds = new Map<string, MemberScope>();
  const bans: string[] = [];
  if (!members) return { adds: [], bans, results };

  const banned = new Set(members.usersToBan ?? []);
  const outcome = new Map<string, MemberItemResult>();
  const unknown = (uid: string) => failure('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);

  for (const uid of banned) {
    let result = SUCCESS;
    if (uid === opts.owner) {
      result = failure(
        uid === opts.actor ? 'ERR_GROUP_NO_SELF_ACTION' : 'ERR_GROUP_NO_SCOPE_CLEARANCE',
        'The owner of the group cannot be banned.',
      );
    } else if (!opts.activeUids.has(uid)) result = unknown(uid);
    else bans.push(uid);
    outcome.set(`ban:${uid}`, result);
  }
  // Highest scope first: the first array to claim a uid decides its scope.
  for (const [array, scope] of SCOPE_ARRAYS) {
    for (const uid of members[array] ?? []) {
      if (outcome.has(uid)) continue;
      let result = SUCCESS;
      if (uid === opts.owner) result = failure('ERR_ALREADY_JOINED');
      else if (!opts.activeUids.has(uid)) result = unknown(uid);
      else if (banned.has(uid)) result = failure('ERR_BANNED_GROUPMEMBER');
      else adds.set(uid, scope);
      outcome.set(uid, result);
    }
  }

  for (const array of GROUP_MEMBER_ARRAYS) {
    const uids = members[array];
    if (!uids) continue;
    const key = (uid: string) => (array === 'usersToBan' ? `ban:${uid}` : uid);
    results[array] = Object.fromEntries(uids.map((uid) => [uid, outcome.get(key(uid))!]));
  }
  return { adds: [...adds].map(([uid, scope]) => ({ uid, scope })), bans, results };
}
