import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, PresenceReader, toSeconds, Transactor } from '@parley/common';
import {
  BannedMember,
  EVENTS,
  Group,
  GroupMember,
  GroupMemberResults,
  GroupSnapshot,
  MAX_MEMBERS_PER_GROUP,
  MemberAdd,
  MemberItemResult,
  MemberListRequest,
  MemberScopeResult,
  Page,
  PageQuery,
  pagination,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { GroupEntity } from '../groups/group.entity';
import { seenBy, toGroup } from '../groups/group.mapper';
import { GroupPasswords } from '../groups/group-passwords';
import { GroupRepository } from '../groups/group.repository';
import { APP_SYSTEM, groupActor, groupNotFound } from '../groups/group.service';
import { GroupActor, GroupPermissions, GroupTarget } from './group-permissions';
import { MemberEntity, MemberScope } from './member.entity';
import {
  ITEM_SUCCEEDED,
  itemFailed,
  itemRefused,
  toBannedMember,
  toGroupMember,
  toScopeResult,
} from './member.mapper';
import { MemberListFilter, MemberRepository } from './member.repository';
import { UserDirectory } from './user-directory';

type Success = { success: true; message: string };

const SCOPE_ARRAYS = [
  ['admins', 'admin'],
  ['moderators', 'moderator'],
  ['participants', 'participant'],
] as const;

export const uidNotFound = (uid: string) =>
  new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);
export const notAMember = (uid: string, guid: string) =>
  new DomainError('ERR_NOT_A_MEMBER', `The uid ${uid} is not a member of the group ${guid}.`);
export const noVacancy = (guid: string) =>
  new DomainError(
    'ERR_NO_VACANCY',
    `The group ${guid} has ${MAX_MEMBERS_PER_GROUP} members, the most a group may have.`,
  );

/** The locked group, who acts on it, and the actor's own membership. */
interface Locked {
  group: GroupEntity;
  actor: GroupActor;
  /** The actor's uid, or `app_system`: the `actor` of the events. */
  actorName: string;
  own: MemberEntity | null;
}

const targetOf = (group: GroupEntity, m: MemberEntity): GroupTarget => ({
  uid: m.uid,
  scope: m.scope,
  isOwner: group.owner === m.uid,
});

/**
 * Group membership (reference §4.7, §6.2, §6.3): adding, joining, leaving, scopes, kicks, bans and
 * ownership. Every change locks the group row first, then reads the memberships it decides on,
 * checks the §6.3 rules, writes, moves `membersCount` by what it wrote and stages one event per
 * membership changed, all in one transaction: concurrent changes of a group run one after another
 * and the count stays exact. `actor` absent means the app itself (a REST key without onBehalfOf),
 * which passes the scope checks and is `app_system` in the events.
 */
@Injectable()
export class MembershipService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MemberRepository,
    private readonly users: UserDirectory,
    private readonly passwords: GroupPasswords,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly presence: PresenceReader,
  ) {}

  /**
   * Adds members by scope and bans `usersToBan`, with a result per uid under each array that names
   * it (§4.7). The actor needs the admin scope (§6.3). A uid in several scope arrays gets the
   * highest scope; one also in `usersToBan` is banned, not added (ERR_BANNED_GROUPMEMBER in its
   * scope arrays). Per uid: ERR_UID_NOT_FOUND (unknown or inactive), ERR_ALREADY_JOINED,
   * ERR_BANNED_GROUPMEMBER (banned: unban first), ERR_NO_VACANCY; a ban of a member follows the
   * kick/ban rules (ERR_GROUP_NO_SCOPE_CLEARANCE, ERR_GROUP_NO_SELF_ACTION), and a second ban is
   * ERR_ALREADY_BANNED.
   */
  async add(input: MemberAdd): Promise<GroupMemberResults> {
    const { appId, guid } = input;
    const toBan = [...new Set(input.usersToBan ?? [])];
    const named = [...new Set(SCOPE_ARRAYS.flatMap(([array]) => input[array] ?? []))];
    const all = [...new Set([...toBan, ...named])];
    // Before the transaction: the users' service is not asked while the group is locked.
    const active = await this.users.activeUsers(appId, all);

    return this.tx.run(async (tx) => {
      const { group, actor, actorName } = await this.lock(tx, appId, guid, input.actor);
      GroupPermissions.addMembers(actor);
      const existing = new Map(
        (await this.members.findMany(tx, appId, guid, all)).map((m) => [m.uid, m]),
      );
      const banned = new Set((await this.members.findBans(tx, appId, guid, all)).map((b) => b.uid));
      const now = this.clock.now();
      const outcome = new Map<string, MemberItemResult>();

      const bans: Array<{ uid: string; had?: MemberEntity }> = [];
      for (const uid of toBan) {
        const had = existing.get(uid);
        outcome.set(
          `ban:${uid}`,
          this.decide(() => {
            if (had) GroupPermissions.moderate(actor, targetOf(group, had));
            else GroupPermissions.unban(actor);
            if (banned.has(uid)) throw alreadyBanned(uid, guid);
            if (!had && !active.has(uid)) throw uidNotFound(uid);
            bans.push({ uid, had });
          }),
        );
      }

      const adds: MemberEntity[] = [];
      const refusal = (uid: string): MemberItemResult | undefined => {
        if (!active.has(uid)) return itemRefused(uidNotFound(uid));
        if (banned.has(uid) || toBan.includes(uid)) return itemFailed('ERR_BANNED_GROUPMEMBER');
        if (existing.has(uid)) return itemFailed('ERR_ALREADY_JOINED');
        const members = group.membersCount - removedBy(bans) + adds.length;
        if (members >= MAX_MEMBERS_PER_GROUP) return itemRefused(noVacancy(guid));
        return undefined;
      };
      for (const [array, scope] of SCOPE_ARRAYS) {
        for (const uid of input[array] ?? []) {
          if (outcome.has(uid)) continue; // a higher scope decided it
          const refused = refusal(uid);
          if (!refused) adds.push({ appId, guid, uid, scope, joinedAt: now });
          outcome.set(uid, refused ?? ITEM_SUCCEEDED);
        }
      }

      for (const { uid, had } of bans) {
        if (had) await this.members.delete(tx, appId, guid, uid);
        await this.members.insertBan(tx, { appId, guid, uid, bannedBy: actorName, bannedAt: now });
      }
      const added = new Set(await this.members.insertMany(tx, adds));
      const snapshot = await this.count(tx, group, added.size - removedBy(bans));
      const base = { guid, group: snapshot, actor: actorName };
      for (const { uid, had } of bans) {
        await this.outbox.stage(tx, EVENTS.groups.memberBanned, appId, {
          ...base,
          uid,
          scope: had?.scope ?? null,
          joinedAt: had ? toSeconds(had.joinedAt) : null,
          bannedAt: toSeconds(now),
        });
      }
      for (const row of adds.filter((r) => added.has(r.uid))) {
        await this.outbox.stage(tx, EVENTS.groups.memberAdded, appId, {
          ...base,
          uid: row.uid,
          scope: row.scope,
          joinedAt: toSeconds(row.joinedAt),
        });
      }

      const results: GroupMemberResults = {};
      for (const [array] of SCOPE_ARRAYS) {
        const uids = input[array];
        if (uids) results[array] = Object.fromEntries(uids.map((u) => [u, outcome.get(u)!]));
      }
      if (input.usersToBan) {
        results.usersToBan = Object.fromEntries(
          input.usersToBan.map((u) => [u, outcome.get(`ban:${u}`)!]),
        );
      }
      return results;
    });
  }

  /**
   * `uid` joins by themself as a participant (§6.2): a public group at once, a password group with
   * its password (ERR_EMPTY_GROUP_PASS, ERR_WRONG_GROUP_PASS), a private group never
   * (ERR_GROUP_JOIN_NOT_ALLOWED). A member gets ERR_ALREADY_JOINED, a banned user
   * ERR_BANNED_GROUPMEMBER. Returns the group as the new member sees it.
   */
  async join(appId: string, guid: string, uid: string, password?: string): Promise<Group> {
    const [before, active] = await Promise.all([
      this.groups.find(appId, guid),
      this.users.activeUsers(appId, [uid]),
    ]);
    if (!before) throw groupNotFound(guid);
    if (!active.has(uid)) throw uidNotFound(uid);
    // argon2 is slow on purpose: check the password before taking the group's lock.
    const checked =
      before.type === 'password' && password && before.passwordHash
        ? {
            hash: before.passwordHash,
            ok: await this.passwords.verify(before.passwordHash, password),
          }
        : undefined;

    return this.tx.run(async (tx) => {
      const { group, own, actorName } = await this.lock(tx, appId, guid, uid);
      if (own) throw new DomainError('ERR_ALREADY_JOINED', `You are already a member of ${guid}.`);
      if (await this.members.isBanned(appId, guid, uid, tx)) {
        throw new DomainError('ERR_BANNED_GROUPMEMBER', `You are banned from the group ${guid}.`);
      }
      if (group.type === 'private') throw new DomainError('ERR_GROUP_JOIN_NOT_ALLOWED');
      if (group.type === 'password') {
        if (!password) throw new DomainError('ERR_EMPTY_GROUP_PASS', 'The group needs a password.');
        const ok =
          checked && checked.hash === group.passwordHash
            ? checked.ok
            : await this.passwords.verify(group.passwordHash ?? '', password);
        if (!ok) throw new DomainError('ERR_WRONG_GROUP_PASS');
      }
      if (group.membersCount >= MAX_MEMBERS_PER_GROUP) throw noVacancy(guid);
      const row: MemberEntity = {
        appId,
        guid,
        uid,
        scope: 'participant',
        joinedAt: this.clock.now(),
      };
      await this.members.insertMany(tx, [row]);
      const snapshot = await this.count(tx, group, 1);
      await this.outbox.stage(tx, EVENTS.groups.memberJoined, appId, {
        guid,
        group: snapshot,
        actor: actorName,
        uid,
        scope: row.scope,
        joinedAt: toSeconds(row.joinedAt),
      });
      return seenBy(snapshot, row);
    });
  }

  /** `uid` leaves (§6.3: any member but the owner, who transfers ownership first). */
  async leave(appId: string, guid: string, uid: string): Promise<Success> {
    await this.tx.run(async (tx) => {
      const { group, actor, own, actorName } = await this.lock(tx, appId, guid, uid);
      GroupPermissions.leave(actor);
      const left = own as MemberEntity; // leave() refused a non-member
      await this.members.delete(tx, appId, guid, uid);
      await this.outbox.stage(tx, EVENTS.groups.memberLeft, appId, {
        guid,
        group: await this.count(tx, group, -1),
        actor: actorName,
        uid,
        scope: left.scope,
        joinedAt: toSeconds(left.joinedAt),
      });
    });
    return { success: true, message: `You have left the group ${guid}.` };
  }

  /** Sets a member's scope (§6.3); replies `{guid, uid, scope, joinedAt}`. */
  async setScope(
    appId: string,
    guid: string,
    actorUid: string | undefined,
    uid: string,
    scope: MemberScope,
  ): Promise<MemberScopeResult> {
    return this.tx.run(async (tx) => {
      const { group, actor, actorName } = await this.lock(tx, appId, guid, actorUid);
      const target = await this.target(tx, group, actor, uid);
      GroupPermissions.changeScope(actor, targetOf(group, target), scope);
      const oldScope = target.scope;
      await this.members.setScope(tx, appId, guid, uid, scope);
      target.scope = scope;
      await this.outbox.stage(tx, EVENTS.groups.memberScopeChanged, appId, {
        guid,
        group: toGroup(group),
        actor: actorName,
        uid,
        scope,
        oldScope,
        newScope: scope,
        joinedAt: toSeconds(target.joinedAt),
      });
      return toScopeResult(target);
    });
  }

  /** Removes a member, who may join again (§4.7; kick rules of §6.3). */
  async kick(
    appId: string,
    guid: string,
    actorUid: string | undefined,
    uid: string,
  ): Promise<Success> {
    await this.tx.run(async (tx) => {
      const { group, actor, actorName } = await this.lock(tx, appId, guid, actorUid);
      const target = await this.target(tx, group, actor, uid);
      GroupPermissions.moderate(actor, targetOf(group, target));
      await this.members.delete(tx, appId, guid, uid);
      await this.outbox.stage(tx, EVENTS.groups.memberKicked, appId, {
        guid,
        group: await this.count(tx, group, -1),
        actor: actorName,
        uid,
        scope: target.scope,
        joinedAt: toSeconds(target.joinedAt),
      });
    });
    return { success: true, message: `The user ${uid} has been kicked from the group ${guid}.` };
  }

  /**
   * Bans a user: a member is removed (kick/ban rules of §6.3); a user who is not a member may be
   * banned by a moderator or more (the unban rule). ERR_ALREADY_BANNED when banned already.
   */
  async ban(
    appId: string,
    guid: string,
    actorUid: string | undefined,
    uid: string,
  ): Promise<Success> {
    const active = await this.users.activeUsers(appId, [uid]);
    await this.tx.run(async (tx) => {
      const { group, actor, actorName } = await this.lock(tx, appId, guid, actorUid);
      const had = await this.members.find(appId, guid, uid, tx);
      if (had) GroupPermissions.moderate(actor, targetOf(group, had));
      else GroupPermissions.unban(actor);
      if (await this.members.isBanned(appId, guid, uid, tx)) throw alreadyBanned(uid, guid);
      if (!had && !active.has(uid)) throw uidNotFound(uid);
      const now = this.clock.now();
      await this.members.insertBan(tx, { appId, guid, uid, bannedBy: actorName, bannedAt: now });
      if (had) await this.members.delete(tx, appId, guid, uid);
      await this.outbox.stage(tx, EVENTS.groups.memberBanned, appId, {
        guid,
        group: await this.count(tx, group, had ? -1 : 0),
        actor: actorName,
        uid,
        scope: had?.scope ?? null,
        joinedAt: had ? toSeconds(had.joinedAt) : null,
        bannedAt: toSeconds(now),
      });
    });
    return { success: true, message: `The user ${uid} has been banned from the group ${guid}.` };
  }

  /** Lifts a ban (moderators and more); the user may join again. */
  async unban(
    appId: string,
    guid: string,
    actorUid: string | undefined,
    uid: string,
  ): Promise<Success> {
    await this.tx.run(async (tx) => {
      const { group, actor, actorName } = await this.lock(tx, appId, guid, actorUid);
      GroupPermissions.unban(actor);
      if (!(await this.members.deleteBan(tx, appId, guid, uid))) {
        throw new DomainError(
          'ERR_NOT_A_BANNED_USER',
          `The user ${uid} is not banned from the group ${guid}.`,
        );
      }
      await this.outbox.stage(tx, EVENTS.groups.memberUnbanned, appId, {
        guid,
        group: toGroup(group),
        actor: actorName,
        uid,
      });
    });
    return { success: true, message: `The user ${uid} has been unbanned from the group ${guid}.` };
  }

  /**
   * Makes the member `uid` the owner (§6.3: only the owner, or the app). The new owner becomes an
   * admin; the old one stays a member with their admin scope. Returns the group as the actor sees it.
   */
  async transferOwnership(
    appId: string,
    guid: string,
    actorUid: string | undefined,
    uid: string,
  ): Promise<Group> {
    return this.tx.run(async (tx) => {
      const { group, actor, actorName, own } = await this.lock(tx, appId, guid, actorUid);
      GroupPermissions.transferOwnership(actor);
      if (uid === group.owner) {
        throw new DomainError('ERR_BAD_REQUEST', `The user ${uid} already owns the group.`, {
          uid: ['already owns the group'],
        });
      }
      const target = await this.members.find(appId, guid, uid, tx);
      if (!target) throw notAMember(uid, guid);
      const oldOwner = group.owner;
      const oldScope = target.scope;
      if (oldScope !== 'admin') await this.members.setScope(tx, appId, guid, uid, 'admin');
      group.owner = uid;
      group.updatedAt = this.clock.now();
      group.updatedBy = actorName;
      await this.groups.update(tx, group);

      const snapshot = toGroup(group);
      const base = {
        guid,
        group: snapshot,
        actor: actorName,
        uid,
        scope: 'admin' as const,
        joinedAt: toSeconds(target.joinedAt),
      };
      if (oldScope !== 'admin') {
        await this.outbox.stage(tx, EVENTS.groups.memberScopeChanged, appId, {
          ...base,
          oldScope,
          newScope: 'admin',
        });
      }
      await this.outbox.stage(tx, EVENTS.groups.ownerChanged, appId, { ...base, oldOwner });
      return actorUid ? seenBy(snapshot, own) : snapshot;
    });
  }

  /**
   * A page of the group's members in uid order: user objects with `scope` and `joinedAt`. Only
   * members see them (ERR_GROUP_NOT_JOINED); the app sees every group's. Users since deleted or
   * deactivated are left out of the page they fall in (the page may then be short; `total` still
   * counts their memberships). `status` (`available` or `online`, or `offline`) narrows to who
   * is online or not, as presence says; each member carries its `status` and `lastActiveAt`,
   * except that a member apart from the viewer by a block reads as offline without `lastActiveAt`.
   */
  async list(req: MemberListRequest): Promise<Page<GroupMember>> {
    const { appId, guid, viewer } = req;
    const page: PageQuery = { page: req.page, perPage: req.perPage };
    const group = await this.visibleTo(appId, guid, viewer);
    const filter: MemberListFilter = {
      scopes: req.scopes,
      uidPrefix: req.searchKey?.toLowerCase(),
    };
    // A member apart from the viewer by a block reads as offline (no presence either way).
    const hidden = viewer ? await this.users.apartByBlock(appId, viewer) : undefined;
    if (req.status === 'available' || req.status === 'online')
      filter.onlyUids = await this.presence.onlineUids(appId, hidden);
    else if (req.status === 'offline')
      filter.exceptUids = await this.presence.onlineUids(appId, hidden);
    const [rows, total] = await Promise.all([
      this.members.list(appId, guid, { ...filter, after: req.after }, page),
      // Unfiltered, the count kept under the group lock is exact: no need to count 100,000 rows.
      filter.scopes?.length || filter.uidPrefix || req.status
        ? this.members.count(appId, guid, filter)
        : group.membersCount,
    ]);
    const users = await this.users.activeUsers(
      appId,
      rows.map((r) => r.uid),
    );
    const members = rows.flatMap((r) => {
      const user = users.get(r.uid);
      return user ? [toGroupMember(user, r)] : [];
    });
    const items = await this.presence.withPresence(appId, members, hidden);
    return { items, pagination: pagination(total, items.length, page) };
  }

  /**
   * Every group the user is a member of: a gateway subscribes to their delivery subjects when the
   * user's first socket connects. No page: real-time delivery needs all of them.
   */
  async groupsOf(appId: string, uid: string): Promise<{ guids: string[] }> {
    return { guids: await this.members.guidsOf(appId, uid.toLowerCase()) };
  }

  /** A page of the users banned from the group, in uid order; members see it, as does the app. */
  async listBanned(
    appId: string,
    guid: string,
    viewer: string | undefined,
    page: PageQuery,
  ): Promise<Page<BannedMember>> {
    await this.visibleTo(appId, guid, viewer);
    const [bans, total] = await this.members.listBans(appId, guid, page);
    const users = await this.users.activeUsers(
      appId,
      bans.map((b) => b.uid),
    );
    const items = bans.flatMap((b) => {
      const user = users.get(b.uid);
      return user ? [toBannedMember(user, b)] : [];
    });
    return { items, pagination: pagination(total, items.length, page) };
  }

  /** The group, when `viewer` (absent: the app) may see its members. */
  private async visibleTo(appId: string, guid: string, viewer?: string): Promise<GroupEntity> {
    const [group, own] = await Promise.all([
      this.groups.find(appId, guid),
      viewer ? this.members.find(appId, guid, viewer) : null,
    ]);
    if (!group) throw groupNotFound(guid);
    GroupPermissions.participate(groupActor(group, viewer, own));
    return group;
  }

  /** Locks the group (ERR_GUID_NOT_FOUND) and reads the actor's membership. */
  private async lock(
    tx: EntityManager,
    appId: string,
    guid: string,
    actorUid: string | undefined,
  ): Promise<Locked> {
    const group = await this.groups.lock(tx, appId, guid);
    if (!group) throw groupNotFound(guid);
    const own = actorUid ? await this.members.find(appId, guid, actorUid, tx) : null;
    return {
      group,
      own,
      actor: groupActor(group, actorUid, own),
      actorName: actorUid ?? APP_SYSTEM,
    };
  }

  /**
   * The member acted on. When `uid` is not a member, an actor who is not one either hears
   * ERR_GROUP_NOT_JOINED (they may not learn who is), anyone else ERR_NOT_A_MEMBER.
   */
  private async target(
    tx: EntityManager,
    group: GroupEntity,
    actor: GroupActor,
    uid: string,
  ): Promise<MemberEntity> {
    const target = await this.members.find(group.appId, group.guid, uid, tx);
    if (target) return target;
    GroupPermissions.participate(actor);
    throw notAMember(uid, group.guid);
  }

  /** Moves the locked group's `membersCount` by `delta`; returns the group as it now is. */
  private async count(
    tx: EntityManager,
    group: GroupEntity,
    delta: number,
  ): Promise<GroupSnapshot> {
    await this.groups.adjustMembersCount(tx, group.appId, group.guid, delta);
    group.membersCount += delta;
    return toGroup(group);
  }

  /** A uid's outcome: success, or the refusal `decide` threw. */
  private decide(decide: () => void): MemberItemResult {
    try {
      decide();
      return ITEM_SUCCEEDED;
    } catch (err) {
      if (err instanceof DomainError) return itemRefused(err);
      throw err;
    }
  }
}

const alreadyBanned = (uid: string, guid: string) =>
  new DomainError(
    'ERR_ALREADY_BANNED',
    `The user ${uid} is already banned from the group ${guid}.`,
  );

/** How many members the bans remove. */
const removedBy = (bans: Array<{ had?: MemberEntity }>) => bans.filter((b) => b.had).length;
