import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { GroupEntity } from './group.entity';

// jsonb `unknown` values do not fit TypeORM's deep-partial type; the column takes any JSON.
type Row = QueryDeepPartialEntity<GroupEntity>;

@Injectable()
export class GroupRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inserts unless the guid exists in the app; false when it exists. */
  async insert(tx: EntityManager, group: GroupEntity): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(GroupEntity)
      .values(group as Row)
      .orIgnore()
      .returning(['guid'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  find(appId: string, guid: string): Promise<GroupEntity | null> {
    return this.ds.getRepository(GroupEntity).findOneBy({ appId, guid });
  }

  /**
   * The group, locked until the transaction ends: every membership change takes this lock first,
   * which keeps `membersCount` exact and the checks-then-write of the permission rules atomic.
   */
  lock(tx: EntityManager, appId: string, guid: string): Promise<GroupEntity | null> {
    return tx
      .getRepository(GroupEntity)
      .findOne({ where: { appId, guid }, lock: { mode: 'pessimistic_write' } });
  }

  async adjustMembersCount(
    tx: EntityManager,
    appId: string,
    guid: string,
    delta: number,
  ): Promise<void> {
    if (delta === 0) return;
    await tx.query(
      `UPDATE "groups"."groups" SET "members_count" = "members_count" + $3 WHERE "app_id" = $1 AND "guid" = $2`,
      [appId, guid, delta],
    );
  }
}
