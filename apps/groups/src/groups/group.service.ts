import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, toSeconds, Transactor } from '@parley/common';
import { EVENTS, Group, GroupCreate, GroupCreated, GroupUpdate } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { GroupActor, GroupPermissions } from '../members/group-permissions';
import { MemberEntity } from '../members/member.entity';
import { MemberRepository } from '../members/member.repository';
import { UserDirectory } from '../members/user-directory';
import { GroupEntity } from './group.entity';
import { seenBy, toGroup } from './group.mapper';
import { GroupPasswords } from './group-passwords';
import { GroupRepository } from './group.repository';
import { initialMemberUids, resolveInitialMembers } from './initial-members';

type Success = { success: true; message: string };

/** Who acts when the REST API key calls without onBehalfOf (reference §2.4). */
export const APP_SYSTEM = 'app_system';

export const groupNotFound = (guid: string) =>
  new DomainError('ERR_GUID_NOT_FOUND', `The guid ${guid} does not exist.`);

const uidNotFound = (uid: string) =>
  new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);

const emptyPassword = () =>
  new DomainError('ERR_EMPTY_GROUP_PASS', 'A password group needs a password.');

/** The §6.3 actor: the app, or a user with their membership (null when not a member). */
export function groupActor(
  group: GroupEntity,
  uid: string | undefined,
  membership: MemberEntity | null,
): GroupActor {
  if (!uid) return { kind: 'app' };
  return { kind: 'user', uid, scope: membership?.scope ?? null, isOwner: group.owner === uid };
}

/**
 * Creating, updating and deleting groups (reference §4.6). A user acting (onBehalfOf, or a user's
 * token) creates groups they own and administer, and updates or deletes by their scope (§6.3);
 * the app acting (a REST key alone) passes every scope check, may name the owner, and transfers
 * ownership with `owner` on update.
 */
@Injectable()
export class GroupService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MemberRepository,
    private readonly users: UserDirectory,
    private readonly passwords: GroupPasswords,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /**
   * The owner is the user acting, else the `owner` named, else `app_system`; a user owner is an
   * admin member. Initial `members` are added (and `usersToBan` banned) in the same transaction,
   * each with a per-uid result; the group's `membersCount` counts them.
   */
  async create(input: GroupCreate): Promise<GroupCreated> {
    const { appId, guid, actor: actorUid } = input;
    if (input.type === 'password' && !input.password) throw emptyPassword();
    const owner = actorUid ?? input.owner ?? APP_SYSTEM;
    const actor = actorUid ?? APP_SYSTEM;
    const named = initialMemberUids(input.members);
    const active = await this.users.activeUsers(appId, [
      ...(owner === APP_SYSTEM ? [] : [owner]),
      ...named,
    ]);
    if (owner !== APP_SYSTEM && !active.has(owner)) throw uidNotFound(owner);
    const plan = resolveInitialMembers(input.members, {
      owner,
      actor: actorUid,
      activeUids: new Set(active.keys()),
    });
    // Hashing is slow on purpose: before the transaction, not while holding its locks.
    const passwordHash =
      input.type === 'password' ? await this.passwords.hash(input.password as string) : null;
    const now = this.clock.now();
    const entity: GroupEntity = {
      appId,
      guid,
      name: input.name,
      type: input.type,
      passwordHash,
      owner,
      icon: input.icon ?? null,
      description: input.description ?? null,
      metadata: input.metadata ?? null,
      tags: input.tags ?? [],
      membersCount: 0,
      createdAt: now,
      updatedAt: now,
      updatedBy: null,
    };
    const rows: MemberEntity[] = [
      ...(owner === APP_SYSTEM ? [] : [{ uid: owner, scope: 'admin' as const }]),
      ...plan.adds,
    ].map(({ uid, scope }) => ({ appId, guid, uid, scope, joinedAt: now }));

    return this.tx.run(async (tx) => {
      if (!(await this.groups.insert(tx, entity))) {
        throw new DomainError('ERR_GUID_ALREADY_EXISTS', `The guid ${guid} already exists.`);
      }
      const added = new Set(await this.members.insertMany(tx, rows));
      await this.groups.adjustMembersCount(tx, appId, guid, added.size);
      entity.membersCount = added.size;
      for (const uid of plan.bans) {
        await this.members.insertBan(tx, { appId, guid, uid, bannedBy: actor, bannedAt: now });
      }
      const group = toGroup(entity);
      await this.outbox.stage(tx, EVENTS.groups.groupCreated, appId, { group, actor });
      for (const row of rows.filter((r) => added.has(r.uid))) {
        await this.outbox.stage(tx, EVENTS.groups.memberAdded, appId, {
          guid,
          group,
          actor,
          uid: row.uid,
          scope: row.scope,
          joinedAt: toSeconds(row.joinedAt),
        });
      }
      for (const uid of plan.bans) {
        await this.outbox.stage(tx, EVENTS.groups.memberBanned, appId, {
          guid,
          group,
          actor,
          uid,
          scope: null,
          joinedAt: null,
          bannedAt: toSeconds(now),
        });
      }
      const created: GroupCreated = actorUid ? seenBy(group, rows[0]) : group;
      if (input.members) created.members = plan.results;
      return created;
    });
  }

  /**
   * Given fields replace the stored ones (`tags` as a whole), `unset` clears icon, description or
   * metadata. Becoming a password group needs a password; leaving that type drops it. `owner` is an
   * ownership transfer when the app acts (the new owner must be a member and becomes an admin) and
   * is ignored when a user acts (reference §4.6).
   */
  async update(input: GroupUpdate): Promise<Group> {
    const { appId, guid, actor: actorUid, unset = [], password } = input;
    const both = unset.filter((field) => input[field] !== undefined);
    if (both.length) {
      throw new DomainError('ERR_BAD_REQUEST', 'A field cannot be both set and unset.', {
        unset: [`set and unset together: ${both.join(', ')}`],
      });
    }
    if (actorUid) await this.assertUser(appId, actorUid);
    const passwordHash = password ? await this.passwords.hash(password) : null;
    const actor = actorUid ?? APP_SYSTEM;
    return this.tx.run(async (tx) => {
      const group = await this.groups.lock(tx, appId, guid);
      if (!group) throw groupNotFound(guid);
      const membership = actorUid ? await this.members.find(appId, guid, actorUid, tx) : null;
      GroupPermissions.update(groupActor(group, actorUid, membership));

      const type = input.type ?? group.type;
      if (type === 'password') {
        if (passwordHash) group.passwordHash = passwordHash;
        else if (password === '' || group.type !== 'password' || !group.passwordHash) {
          throw emptyPassword();
        }
      } else {
        group.passwordHash = null;
      }
      group.type = type;
      if (input.name !== undefined) group.name = input.name;
      if (input.icon !== undefined) group.icon = input.icon;
      if (input.description !== undefined) group.description = input.description;
      if (input.metadata !== undefined) group.metadata = input.metadata;
      if (input.tags !== undefined) group.tags = input.tags;
      for (const field of unset) group[field] = null;
      const transfer =
        !actorUid && input.owner !== undefined && input.owner !== group.owner
          ? await this.transferOwnership(tx, group, input.owner)
          : undefined;
      group.updatedAt = this.clock.now();
      group.updatedBy = actor;
      await this.groups.update(tx, group);

      const snapshot = toGroup(group);
      if (transfer) {
        const { uid, oldOwner, oldScope, joinedAt } = transfer;
        const base = { guid, group: snapshot, actor, uid, scope: 'admin' as const, joinedAt };
        if (oldScope !== 'admin') {
          await this.outbox.stage(tx, EVENTS.groups.memberScopeChanged, appId, {
            ...base,
            oldScope,
            newScope: 'admin',
          });
        }
        await this.outbox.stage(tx, EVENTS.groups.ownerChanged, appId, { ...base, oldOwner });
      }
      await this.outbox.stage(tx, EVENTS.groups.groupUpdated, appId, { group: snapshot, actor });
      return actorUid ? seenBy(snapshot, membership) : snapshot;
    });
  }

  /** Deletes the group with its memberships and bans (§6.3: admins and the owner, or the app). */
  async delete(appId: string, guid: string, actorUid?: string): Promise<Success> {
    if (actorUid) await this.assertUser(appId, actorUid);
    await this.tx.run(async (tx) => {
      const group = await this.groups.lock(tx, appId, guid);
      if (!group) throw groupNotFound(guid);
      const membership = actorUid ? await this.members.find(appId, guid, actorUid, tx) : null;
      GroupPermissions.delete(groupActor(group, actorUid, membership));
      await this.groups.remove(tx, appId, guid);
      await this.outbox.stage(tx, EVENTS.groups.groupDeleted, appId, {
        guid,
        group: toGroup(group),
        actor: actorUid ?? APP_SYSTEM,
      });
    });
    return { success: true, message: `The group ${guid} has been deleted.` };
  }

  /** A user acting must be active (onBehalfOf is not checked by the gateway; deactivated is absent). */
  private async assertUser(appId: string, uid: string): Promise<void> {
    if (!(await this.users.activeUsers(appId, [uid])).has(uid)) throw uidNotFound(uid);
  }

  /** Makes `uid` (a member) the owner, raising them to admin; the old owner keeps their scope. */
  private async transferOwnership(tx: EntityManager, group: GroupEntity, uid: string) {
    const target = await this.members.find(group.appId, group.guid, uid, tx);
    if (!target) {
      throw new DomainError(
        'ERR_NOT_A_MEMBER',
        `The uid ${uid} is not a member of the group ${group.guid}: only a member can become its owner.`,
      );
    }
    if (target.scope !== 'admin') {
      await this.members.setScope(tx, group.appId, group.guid, uid, 'admin');
    }
    const oldOwner = group.owner;
    group.owner = uid;
    return { uid, oldOwner, oldScope: target.scope, joinedAt: toSeconds(target.joinedAt) };
  }
}
