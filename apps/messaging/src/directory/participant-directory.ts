import { Injectable } from '@nestjs/common';
import { DomainError, MessageBus } from '@parley/common';
import {
  APP_SYSTEM_UID,
  DEFAULT_ROLE,
  GroupSnapshot,
  GroupSnapshotSchema,
  MAX_FRIENDS_PER_USER,
  MemberScope,
  RoleAudience,
  RPC,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { DirectoryGroup, DirectoryUser, MemberState, UserProfile } from './directory.entity';
import { DirectoryRepository } from './directory.repository';

export interface Membership {
  /** Null: no such group (never created, or deleted). */
  group: GroupSnapshot | null;
  state: MemberState;
  scope: MemberScope | null;
}

/**
 * Who the participants of a message are, from the local read models (ARCHITECTURE.md §1): a send
 * that is allowed costs no RPC. Two cases ask the owning service once, because the models follow
 * events and may not have heard yet:
 * - a miss (no row: a user or group created, or a member who joined, moments ago, or before the
 *   streams' 7 days): the answer is stored where no event has written, so the next send is local;
 * - a refusal (not a member, banned, not active): confirmed before it is given, so a user who just
 *   joined or was just reactivated is never refused. The events bring the model up to date.
 * An allowance the events have not yet withdrawn (a kick, a ban, a deactivation a few milliseconds
 * old) is honoured until they arrive: the model is eventually consistent in that direction only.
 * Blocks are local only; a block is seen when its event arrives. Roles and friendships follow the
 * same two cases: a role the model has not heard of is asked for once, and a refusal under
 * `sendMessagesTo: friendsOnly` is confirmed (the sender's role now, its setting, the friendship)
 * before it is given.
 */
/** Who blocked whom between `a` and `b`, from the blocks in force between them. */
function blocksOf(rows: Array<{ blocker: string; blocked: string }>, a: string, b: string) {
  return {
    aBlockedB: rows.some((r) => r.blocker === a && r.blocked === b),
    bBlockedA: rows.some((r) => r.blocker === b && r.blocked === a),
  };
}

@Injectable()
export class ParticipantDirectory {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly bus: MessageBus,
  ) {}

  /**
   * The users among `uids` that exist in some state (unknown uids are absent). An inactive local
   * answer is confirmed with the users service; only active users are learnt from it.
   */
  async users(appId: string, uids: string[]): Promise<Map<string, DirectoryUser>> {
    const wanted = [...new Set(uids)];
    return this.confirmUsers(appId, wanted, await this.directory.findUsers(appId, wanted));
  }

  /**
   * What a 1:1 send between two users needs, read in one query: the users (as `users` answers),
   * the blocks between them (as `blocks`), and, when the model knows it and had the sender's
   * profile as it stands, the sender's role's `sendMessagesTo` (else undefined: ask mayMessage).
   */
  async userPair(
    appId: string,
    sender: string,
    receiver: string,
  ): Promise<{
    users: Map<string, DirectoryUser>;
    blocks: { aBlockedB: boolean; bBlockedA: boolean };
    sendMessagesTo: RoleAudience | undefined;
  }> {
    const found = await this.directory.findUserPair(appId, sender, receiver);
    const local = found.users.find((u) => u.uid === sender);
    const users = await this.confirmUsers(appId, [sender, receiver], found.users);
    // A sender the users service was asked about may hold another role than the model said.
    const sameSender = local !== undefined && users.get(sender) === local;
    const role = found.senderRole;
    return {
      users,
      blocks: blocksOf(found.blocks, sender, receiver),
      sendMessagesTo: sameSender && role && !role.deleted ? role.sendMessagesTo : undefined,
    };
  }

  /** The `users` answer from the model's rows: inactive or missing ones confirmed by RPC. */
  private async confirmUsers(
    appId: string,
    wanted: string[],
    rows: DirectoryUser[],
  ): Promise<Map<string, DirectoryUser>> {
    const found = new Map(rows.map((u) => [u.uid, u] as const));
    const ask = wanted.filter((uid) => {
      const u = found.get(uid);
      return !u || u.status !== 'active' || !u.profile;
    });
    if (!ask.length) return found;
    const { users } = await this.bus.request(RPC.users.userGetMany, { appId, uids: ask });
    const profiles = users.map(({ authToken: _token, ...profile }) => profile as UserProfile);
    await this.directory.learnUsers(appId, profiles);
    for (const profile of profiles) {
      found.set(profile.uid, { uid: profile.uid, status: 'active', profile });
    }
    for (const uid of ask) {
      const u = found.get(uid);
      // Not answered: not active now, whatever the model still says.
      if (u?.status === 'active' && !profiles.some((p) => p.uid === uid)) {
        found.set(uid, { ...u, status: 'deactivated' });
      }
    }
    return found;
  }

  /** Who blocked whom between `a` and `b`. */
  async blocks(
    appId: string,
    a: string,
    b: string,
  ): Promise<{ aBlockedB: boolean; bBlockedA: boolean }> {
    return blocksOf(await this.directory.blocksBetween(appId, a, b), a, b);
  }

  /**
   * Whether `sender` (an active user, as the model has them) may message `receiver` 1:1 under
   * their role's `sendMessagesTo` (reference §6.3): `all`, or `friendsOnly` and they are friends.
   */
  async mayMessage(appId: string, sender: DirectoryUser, receiver: string): Promise<boolean> {
    const role = sender.profile?.role ?? DEFAULT_ROLE;
    if ((await this.sendMessagesTo(appId, role)) === 'all') return true;
    if (await this.directory.areFriends(appId, sender.uid, receiver)) return true;
    return this.confirmMayMessage(appId, sender.uid, receiver);
  }

  /** The role's `sendMessagesTo`, from the model, or asked once when the model has no word. */
  private async sendMessagesTo(appId: string, role: string): Promise<RoleAudience> {
    const row = await this.directory.findRole(appId, role);
    if (row && !row.deleted) return row.sendMessagesTo;
    // A deleted role's users hold `default` (their profiles are moved with the deletion).
    if (row?.deleted)
      return role === DEFAULT_ROLE ? 'all' : this.sendMessagesTo(appId, DEFAULT_ROLE);
    return this.askRole(appId, role);
  }

  private async askRole(appId: string, role: string): Promise<RoleAudience> {
    let found;
    try {
      found = await this.bus.request(RPC.users.roleGet, { appId, role });
    } catch (err) {
      // Gone meanwhile: its users hold `default` now.
      if (err instanceof DomainError && err.code === 'ERR_ROLE_NOT_FOUND') {
        return role === DEFAULT_ROLE ? 'all' : this.askRole(appId, DEFAULT_ROLE);
      }
      throw err;
    }
    await this.directory.learnRole(appId, role, found.settings.sendMessagesTo);
    return found.settings.sendMessagesTo;
  }

  /** The users service's word on a refusal: the sender's role now, its setting, the friendship. */
  private async confirmMayMessage(appId: string, sender: string, receiver: string) {
    const { users } = await this.bus.request(RPC.users.userGetMany, { appId, uids: [sender] });
    const role = users.find((u) => u.uid === sender)?.role ?? DEFAULT_ROLE;
    if ((await this.askRole(appId, role)) === 'all') return true;
    // One page holds every friend (a user has at most 1000); the receiver's uid as the prefix.
    const friends = await this.bus.request(RPC.users.friendList, {
      appId,
      uid: sender,
      searchKey: receiver,
      perPage: MAX_FRIENDS_PER_USER,
    });
    const found = friends.items.some((u) => u.uid === receiver);
    if (found) await this.directory.learnFriendship(appId, sender, receiver);
    return found;
  }

  /** What `uid` is to the group, and the group (null when there is none). */
  async membership(appId: string, guid: string, uid: string): Promise<Membership> {
    const [[group], member] = await Promise.all([
      this.directory.findGroups(appId, [guid]),
      this.directory.findMember(appId, guid, uid),
    ]);
    if (group && !group.deleted && member?.state === 'member') {
      return { group: group.snapshot, state: 'member', scope: member.scope };
    }
    let found;
    try {
      found = await this.bus.request(RPC.groups.memberGet, { appId, guid, uid });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'ERR_GUID_NOT_FOUND') {
        return { group: null, state: 'none', scope: null };
      }
      throw err;
    }
    const state: MemberState = found.member ? 'member' : found.banned ? 'banned' : 'none';
    const scope = found.member?.scope ?? null;
    await this.directory.learnGroup(appId, found.group);
    await this.directory.learnMember(
      appId,
      guid,
      uid,
      state,
      scope,
      found.member?.joinedAt ?? Math.floor(Date.now() / 1000),
    );
    return { group: found.group, state, scope };
  }

  /** The group as every viewer sees it, or null when there is none (for the app as sender). */
  async group(appId: string, guid: string): Promise<GroupSnapshot | null> {
    const [row] = await this.directory.findGroups(appId, [guid]);
    if (row && !row.deleted) return row.snapshot;
    let found;
    try {
      found = await this.bus.request(RPC.groups.groupGet, { appId, guid });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'ERR_GUID_NOT_FOUND') return null;
      throw err;
    }
    // The reply is the group as the app sees it: the shared snapshot, no viewer fields.
    const snapshot = GroupSnapshotSchema.parse(found);
    await this.directory.learnGroup(appId, snapshot);
    return snapshot;
  }

  /** Groups, for rendering message receivers: local only (unknown ones are absent). */
  async groupsForDisplay(
    appId: string,
    guids: string[],
    db?: Pick<EntityManager, 'query'>,
  ): Promise<Map<string, GroupSnapshot>> {
    const rows = await this.directory.findGroups(appId, [...new Set(guids)], db);
    return forDisplay({ users: [], groups: rows }).groups;
  }

  /** Users, for rendering message senders and receivers: local only (unknown ones are absent). */
  async usersForDisplay(
    appId: string,
    uids: string[],
    db?: Pick<EntityManager, 'query'>,
  ): Promise<Map<string, UserProfile>> {
    const rows = await this.directory.findUsers(appId, [...new Set(uids)], db);
    return forDisplay({ users: rows, groups: [] }).users;
  }

  /**
   * Users' profiles for entities the message keeps (action messages): the model's, and for those
   * it lacks, the users service's answer (learnt). `app_system` and unknown users are absent.
   */
  async profiles(appId: string, uids: string[]): Promise<Map<string, UserProfile>> {
    const wanted = [...new Set(uids)].filter((uid) => uid !== APP_SYSTEM_UID);
    const found = await this.usersForDisplay(appId, wanted);
    const missing = wanted.filter((uid) => !found.has(uid));
    if (!missing.length) return found;
    const { users } = await this.bus.request(RPC.users.userGetMany, { appId, uids: missing });
    const profiles = users.map(({ authToken: _token, ...profile }) => profile as UserProfile);
    await this.directory.learnUsers(appId, profiles);
    for (const profile of profiles) found.set(profile.uid, profile);
    return found;
  }

  /** The groups `uid` belongs to, per the model. */
  memberGuids(appId: string, uid: string): Promise<string[]> {
    return this.directory.memberGuids(appId, uid);
  }
}

/**
 * Users and groups as read from the models (findUsers and findGroups, or with a page of messages),
 * as usersForDisplay and groupsForDisplay give them: by id, users without a profile absent.
 */
export function forDisplay(read: {
  users: DirectoryUser[];
  groups: Array<Pick<DirectoryGroup, 'guid' | 'snapshot'>>;
}): { users: Map<string, UserProfile>; groups: Map<string, GroupSnapshot> } {
  return {
    users: new Map(read.users.flatMap((u) => (u.profile ? [[u.uid, u.profile] as const] : []))),
    groups: new Map(read.groups.map((g) => [g.guid, g.snapshot])),
  };
}
