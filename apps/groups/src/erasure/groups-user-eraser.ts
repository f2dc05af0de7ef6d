import { Injectable } from '@nestjs/common';
import { Clock, ErasureCounts, Outbox, UserDataEraser } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { APP_SYSTEM } from '../groups/group.service';
import { toGroup } from '../groups/group.mapper';
import { GroupRepository } from '../groups/group.repository';

/**
 * Erases a permanently deleted user from the groups: their memberships (each group's
 * `membersCount` drops by one) and bans. A group they owned passes to the app (`app_system`, the
 * owner of a group created without one), which may hand it to a member with `PUT /groups/{guid}`
 * `{owner}`; where they were the last to update a group or banned someone, the app stands in.
 * Each group is locked (in guid order, so that two erasures cannot deadlock), and each one changed
 * is announced as `group.updated` by the app; no `member.*` event names the erased user, so no
 * action message does either (messaging drops its copies of the memberships on the same event).
 */
@Injectable()
export class GroupsUserEraser extends UserDataEraser {
  constructor(
    private readonly groups: GroupRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {
    super();
  }

  async erase(
    tx: EntityManager,
    appId: string,
    uid: string,
    before = new Date(8.64e15),
  ): Promise<ErasureCounts> {
    // What the user made before their delete (a new user of the uid keeps what they made since).
    const touched = (await tx.query(
      `SELECT "guid" FROM "groups"."members" WHERE "app_id" = $1 AND "uid" = $2 AND "joined_at" < $3
       UNION SELECT "guid" FROM "groups"."bans"
         WHERE "app_id" = $1 AND ("uid" = $2 OR "banned_by" = $2) AND "banned_at" < $3
       UNION SELECT "guid" FROM "groups"."groups"
         WHERE "app_id" = $1 AND ("owner" = $2 OR "updated_by" = $2) AND "created_at" < $3
       ORDER BY 1`,
      [appId, uid, before],
    )) as Array<{ guid: string }>;
    const erased: ErasureCounts = {};
    const add = (table: string, n: number) => {
      if (n > 0) erased[table] = (erased[table] ?? 0) + n;
    };
    for (const { guid } of touched) {
      const group = await this.groups.lock(tx, appId, guid);
      if (!group) continue; // deleted meanwhile
      const [, left] = (await tx.query(
        `DELETE FROM "groups"."members"
         WHERE "app_id" = $1 AND "guid" = $2 AND "uid" = $3 AND "joined_at" < $4`,
        [appId, guid, uid, before],
      )) as [unknown, number];
      if (left) {
        await this.groups.adjustMembersCount(tx, appId, guid, -1);
        group.membersCount -= 1;
        add('members', 1);
      }
      const [, unbanned] = (await tx.query(
        `DELETE FROM "groups"."bans"
         WHERE "app_id" = $1 AND "guid" = $2 AND "uid" = $3 AND "banned_at" < $4`,
        [appId, guid, uid, before],
      )) as [unknown, number];
      add('bans', unbanned);
      const [, bansBy] = (await tx.query(
        `UPDATE "groups"."bans" SET "banned_by" = $4
         WHERE "app_id" = $1 AND "guid" = $2 AND "banned_by" = $3 AND "banned_at" < $5`,
        [appId, guid, uid, APP_SYSTEM, before],
      )) as [unknown, number];
      add('bans', bansBy);
      let changed = left + unbanned + bansBy > 0;
      const owned = group.owner === uid && group.createdAt < before;
      if (owned) group.owner = APP_SYSTEM;
      const updated = group.updatedBy === uid && group.updatedAt < before;
      if (owned || updated) {
        if (updated) group.updatedBy = APP_SYSTEM;
        group.updatedAt = this.clock.now();
        await this.groups.update(tx, group);
        add('groups', 1);
        changed = true;
      }
      if (changed) {
        await this.outbox.stage(tx, EVENTS.groups.groupUpdated, appId, {
          group: toGroup(group),
          actor: APP_SYSTEM,
        });
      }
    }
    return erased;
  }
}
