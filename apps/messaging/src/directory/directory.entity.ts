import type { GroupSnapshot, MemberScope, RoleAudience, User } from '@parley/contracts';

/** Rows of the read models (schema `messaging`), as the directory repository reads them. */

export type UserStatus = 'active' | 'deactivated' | 'deleted';

/** A user as the users service last described them: the sender/receiver entity of messages. */
export type UserProfile = Omit<User, 'authToken'>;

export interface DirectoryUser {
  uid: string;
  status: UserStatus;
  /** Null when only a status change was heard of (e.g. a bulk deactivation). */
  profile: UserProfile | null;
}

export interface DirectoryGroup {
  guid: string;
  snapshot: GroupSnapshot;
  deleted: boolean;
}

export type MemberState = 'member' | 'banned' | 'none';

export interface DirectoryMember {
  state: MemberState;
  scope: MemberScope | null;
}

export interface DirectoryRole {
  sendMessagesTo: RoleAudience;
  /** The role was deleted: its users hold `default` now. */
  deleted: boolean;
}
