import { DomainError } from '@parley/common';
import type { MemberScope } from './member.entity';

/**
 * Who acts on a group: the app itself (a REST key without onBehalfOf: passes every scope check,
 * reference §6.3), or a user with their scope in the group (null when not a member) and whether
 * they own it.
 */
export type GroupActor =
  { kind: 'app' } | { kind: 'user'; uid: string; scope: MemberScope | null; isOwner: boolean };

/** The member acted on. */
export interface GroupTarget {
  uid: string;
  scope: MemberScope;
  isOwner: boolean;
}

const RANK: Record<MemberScope, number> = { participant: 1, moderator: 2, admin: 3 };

type UserActor = Extract<GroupActor, { kind: 'user' }> & { scope: MemberScope };

function fail(code: ConstructorParameters<typeof DomainError>[0], message?: string): never {
  throw new DomainError(code, message);
}

/** A user acting must be a member; returns it narrowed, or undefined for the app. */
function member(actor: GroupActor): UserActor | undefined {
  if (actor.kind === 'app') return undefined;
  if (actor.scope === null) fail('ERR_GROUP_NOT_JOINED');
  return actor as UserActor;
}

function atLeast(actor: UserActor, scope: MemberScope) {
  if (RANK[actor.scope] >= RANK[scope]) return;
  fail(scope === 'admin' ? 'ERR_GROUP_NO_ADMIN_SCOPE' : 'ERR_GROUP_NO_MODERATOR_SCOPE');
}

/**
 * The scope permission matrix (reference §6.3), one function per act. Each returns when the act is
 * allowed and throws the refusal's DomainError otherwise. The owner is an admin who may also act on
 * admins and is the only one who may transfer ownership; nobody acts on the owner.
 */
export const GroupPermissions = {
  /** See the group's members, send and read messages: any member. */
  participate(actor: GroupActor): void {
    member(actor);
  },

  /** Update name, icon, description, metadata, tags, type, password. */
  update(actor: GroupActor): void {
    const a = member(actor);
    if (a) atLeast(a, 'moderator');
  },

  delete(actor: GroupActor): void {
    const a = member(actor);
    if (a) atLeast(a, 'admin');
  },

  /** Add members (the REST overview gives this to admins only). */
  addMembers(actor: GroupActor): void {
    const a = member(actor);
    if (a) atLeast(a, 'admin');
  },

  /**
   * Kick or ban: moderators act on participants, admins on moderators and participants, the owner
   * on anyone but themself. Nobody removes the owner, not even the app: a group keeps its owner
   * among its members until ownership is transferred.
   */
  moderate(actor: GroupActor, target: GroupTarget): void {
    const a = member(actor);
    if (!a) {
      if (target.isOwner) {
        fail(
          'ERR_GROUP_NO_SCOPE_CLEARANCE',
          'The owner cannot be removed; transfer ownership first.',
        );
      }
      return;
    }
    if (a.uid === target.uid) fail('ERR_GROUP_NO_SELF_ACTION');
    atLeast(a, 'moderator');
    if (!outranks(a, target)) fail('ERR_GROUP_NO_SCOPE_CLEARANCE');
  },

  /** Unban: the banned user is no longer a member, so any moderator or admin may. */
  unban(actor: GroupActor): void {
    const a = member(actor);
    if (a) atLeast(a, 'moderator');
  },

  /**
   * Change a member's scope: moderators may make participants moderators (or leave them
   * participants); admins may set any scope on moderators and participants; the owner on anyone
   * else, admins included.
   */
  changeScope(actor: GroupActor, target: GroupTarget, scope: MemberScope): void {
    const a = member(actor);
    if (a) {
      if (a.uid === target.uid) fail('ERR_GROUP_NO_SELF_ACTION');
      atLeast(a, 'moderator');
      if (!outranks(a, target)) fail('ERR_GROUP_NO_SCOPE_CLEARANCE');
      if (!a.isOwner && RANK[scope] > RANK[a.scope === 'admin' ? 'admin' : 'moderator']) {
        fail('ERR_GROUP_NO_SCOPE_CLEARANCE');
      }
    } else if (target.isOwner) {
      fail('ERR_GROUP_NO_SCOPE_CLEARANCE', "The owner's scope changes only with ownership.");
    }
    if (target.scope === scope) fail('ERR_SAME_SCOPE');
  },

  transferOwnership(actor: GroupActor): void {
    const a = member(actor);
    if (a && !a.isOwner) fail('ERR_GROUP_NO_CLEARANCE');
  },

  /** Leave: any member but the owner, who must transfer ownership first. */
  leave(actor: GroupActor): void {
    const a = member(actor);
    if (a?.isOwner)
      fail('ERR_GROUP_NO_CLEARANCE', 'The owner must transfer ownership before leaving.');
  },
};

function outranks(actor: UserActor, target: GroupTarget): boolean {
  if (target.isOwner) return false;
  if (actor.isOwner) return true;
  return RANK[actor.scope] > RANK[target.scope];
}
