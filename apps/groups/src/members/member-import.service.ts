import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, toSeconds, Transactor } from '@parley/common';
import {
  EVENTS,
  MAX_MEMBERS_PER_GROUP,
  MemberImported,
  MemberImportItem,
  MemberImportResult,
  memberImportKey,
} from '@parley/contracts';
import { toGroup } from '../groups/group.mapper';
import { GroupRepository } from '../groups/group.repository';
import { APP_SYSTEM, groupNotFound } from '../groups/group.service';
import { MemberEntity } from './member.entity';
import { MemberRepository } from './member.repository';
import { noVacancy, uidNotFound } from './membership.service';
import { UserDirectory } from './user-directory';

const fromSeconds = (s: number) => new Date(s * 1000);

/**
 * POST /data_import/members: each membership (or ban) is written in its own transaction under its
 * group's lock, keyed by (guid, uid), so importing the same batch again changes nothing more
 * (idempotent) and one bad item fails alone. The events carry `imported: true`: consumers update
 * their membership models and post no action message.
 */
@Injectable()
export class MemberImportService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MemberRepository,
    private readonly users: UserDirectory,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async import(appId: string, items: MemberImportItem[]): Promise<MemberImportResult> {
    const active = await this.users.activeUsers(
      appId,
      items.map((i) => i.uid),
    );
    const result: MemberImportResult = {};
    for (const item of items) {
      const key = memberImportKey(item.guid, item.uid);
      try {
        result[key] = {
          success: true,
          data: await this.importOne(appId, item, active.has(item.uid)),
        };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        result[key] = { success: false, error: { code: err.code, message: err.message } };
      }
    }
    return result;
  }

  /**
   * A membership gets the item's scope (and `joinedAt` when given; a new one: now); a ban removes
   * the membership. The owner stays an admin member: importing them with another scope, or a ban,
   * is refused. A membership of a banned user is refused (ERR_BANNED_GROUPMEMBER).
   */
  private importOne(
    appId: string,
    item: MemberImportItem,
    userActive: boolean,
  ): Promise<MemberImported> {
    const { guid, uid } = item;
    return this.tx.run(async (tx) => {
      const group = await this.groups.lock(tx, appId, guid);
      if (!group) throw groupNotFound(guid);
      if (!userActive) throw uidNotFound(uid);
      const current = await this.members.find(appId, guid, uid, tx);
      const [ban] = await this.members.findBans(tx, appId, guid, [uid]);
      const isOwner = group.owner === uid;
      const base = { guid, actor: APP_SYSTEM, uid, imported: true as const };

      if (item.isBanned) {
        if (isOwner) {
          throw new DomainError(
            'ERR_GROUP_NO_SCOPE_CLEARANCE',
            'The owner of a group cannot be banned.',
          );
        }
        if (ban) return { guid, uid, isBanned: true, bannedAt: toSeconds(ban.bannedAt) };
        const bannedAt =
          item.joinedAt !== undefined ? fromSeconds(item.joinedAt) : this.clock.now();
        await this.members.insertBan(tx, { appId, guid, uid, bannedBy: APP_SYSTEM, bannedAt });
        if (current) {
          await this.members.delete(tx, appId, guid, uid);
          await this.groups.adjustMembersCount(tx, appId, guid, -1);
          group.membersCount -= 1;
        }
        await this.outbox.stage(tx, EVENTS.groups.memberBanned, appId, {
          ...base,
          group: toGroup(group),
          scope: current?.scope ?? null,
          joinedAt: current ? toSeconds(current.joinedAt) : null,
          bannedAt: toSeconds(bannedAt),
        });
        return { guid, uid, isBanned: true, bannedAt: toSeconds(bannedAt) };
      }

      if (ban) {
        throw new DomainError(
          'ERR_BANNED_GROUPMEMBER',
          `The user ${uid} is banned from the group ${guid}.`,
        );
      }
      if (isOwner && item.scope !== 'admin') {
        throw new DomainError('ERR_GROUP_NO_SCOPE_CLEARANCE', 'The owner of a group is an admin.');
      }
      const joinedAt =
        item.joinedAt !== undefined
          ? fromSeconds(item.joinedAt)
          : (current?.joinedAt ?? this.clock.now());
      const row: MemberEntity = { appId, guid, uid, scope: item.scope, joinedAt };
      if (!current) {
        if (group.membersCount >= MAX_MEMBERS_PER_GROUP) throw noVacancy(guid);
        await this.members.insertMany(tx, [row]);
        await this.groups.adjustMembersCount(tx, appId, guid, 1);
        group.membersCount += 1;
        await this.outbox.stage(tx, EVENTS.groups.memberAdded, appId, {
          ...base,
          group: toGroup(group),
          scope: row.scope,
          joinedAt: toSeconds(joinedAt),
        });
      } else if (current.scope !== row.scope || current.joinedAt.getTime() !== joinedAt.getTime()) {
        await this.members.update(tx, row);
        if (current.scope !== row.scope) {
          await this.outbox.stage(tx, EVENTS.groups.memberScopeChanged, appId, {
            ...base,
            group: toGroup(group),
            scope: row.scope,
            oldScope: current.scope,
            newScope: row.scope,
            joinedAt: toSeconds(joinedAt),
          });
        }
      }
      return { guid, uid, isBanned: false, scope: row.scope, joinedAt: toSeconds(joinedAt) };
    });
  }
}
