import { escapeLike } from '@parley/common';
import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { MemberEntity } from '../members/member.entity';
import { GroupEntity, GroupType } from './group.entity';

// jsonb `unknown` values do not fit TypeORM's deep-partial type; the column takes any JSON.
type Row = QueryDeepPartialEntity<GroupEntity>;

/** What a group list may be narrowed by; every filter narrows an indexed scan. */
export interface GroupListFilter {
  searchKey?: string;
  searchIn: Array<'name' | 'guid'>;
  types?: GroupType[];
  tags?: string[];
  /** A user looking: private groups they are not a member of are left out. */
  viewer?: string;
  /** Only the groups this user is a member of. */
  joinedBy?: string;
  /** Cursor mode: updated at or after `from`, or before `until`. */
  updated?: { from?: Date; until?: Date };
  /** The order (ties broken by guid in the same direction, so pages neither overlap nor skip). */
  order: { by: 'name' | 'guid' | 'createdAt' | 'updatedAt'; dir: 'ASC' | 'DESC' };
}

// Names sort case-insensitively (then by guid), whatever the database's collation.
const ORDER_COLUMN = {
  name: 'lower(g.name)',
  guid: 'g.guid',
  createdAt: 'g.createdAt',
  updatedAt: 'g.updatedAt',
} as const;

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

  /** Writes the editable fields of a locked group (not `membersCount`, which only moves by delta). */
  async update(tx: EntityManager, group: GroupEntity): Promise<void> {
    await tx.getRepository(GroupEntity).update({ appId: group.appId, guid: group.guid }, {
      name: group.name,
      type: group.type,
      passwordHash: group.passwordHash,
      owner: group.owner,
      icon: group.icon,
      description: group.description,
      metadata: group.metadata,
      tags: group.tags,
      updatedAt: group.updatedAt,
      updatedBy: group.updatedBy,
    } as Row);
  }

  /** Deletes the group; its members and bans go with it (ON DELETE CASCADE). */
  async remove(tx: EntityManager, appId: string, guid: string): Promise<void> {
    await tx.getRepository(GroupEntity).delete({ appId, guid });
  }

  /**
   * Inserts or replaces an imported group, keyed by guid; `membersCount` is left as it is, and so is
   * the stored `createdAt` when `keepCreatedAt` (the import named none). Returns whether the row is
   * new and the stored count and creation time.
   */
  async upsertImported(
    tx: EntityManager,
    group: GroupEntity,
    keepCreatedAt: boolean,
  ): Promise<{ created: boolean; membersCount: number; createdAt: Date }> {
    const rows: Array<{ created: boolean; members_count: number; created_at: Date }> =
      await tx.query(
        `INSERT INTO "groups"."groups" AS g ("app_id", "guid", "name", "type", "password_hash", "owner",
         "icon", "description", "metadata", "tags", "members_count", "created_at", "updated_at", "updated_by")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13)
       ON CONFLICT ("app_id", "guid") DO UPDATE SET
         "name" = EXCLUDED."name", "type" = EXCLUDED."type", "password_hash" = EXCLUDED."password_hash",
         "owner" = EXCLUDED."owner", "icon" = EXCLUDED."icon", "description" = EXCLUDED."description",
         "metadata" = EXCLUDED."metadata", "tags" = EXCLUDED."tags",
         "created_at" = CASE WHEN $14::boolean THEN g."created_at" ELSE EXCLUDED."created_at" END,
         "updated_at" = EXCLUDED."updated_at", "updated_by" = EXCLUDED."updated_by"
       RETURNING (xmax = 0) AS "created", "members_count", "created_at"`,
        [
          group.appId,
          group.guid,
          group.name,
          group.type,
          group.passwordHash,
          group.owner,
          group.icon,
          group.description,
          group.metadata === null ? null : JSON.stringify(group.metadata),
          group.tags,
          group.createdAt,
          group.updatedAt,
          group.updatedBy,
          keepCreatedAt,
        ],
      );
    const [row] = rows;
    return { created: row.created, membersCount: row.members_count, createdAt: row.created_at };
  }

  /** A page of groups and the exact total that match. */
  async list(
    appId: string,
    filter: GroupListFilter,
    page: PageQuery,
  ): Promise<[GroupEntity[], number]> {
    const [rows, count] = await Promise.all([
      this.listQuery(appId, filter, page).getMany(),
      this.countQuery(appId, filter).getRawOne<{ total: string }>(),
    ]);
    return [rows, Number(count?.total ?? 0)];
  }

  /**
   * The page query itself (tests read its plan). A user's groups (`joinedBy`) are read from the
   * (app_id, uid, guid) members index, each group then by its primary key; guid prefixes from the
   * primary key (collated "C"), name prefixes from the lower(name) pattern index, cursor mode from
   * (app_id, updated_at, guid), tags from the GIN index.
   */
  listQuery(appId: string, filter: GroupListFilter, page: PageQuery) {
    const qb = this.matching(appId, filter)
      .orderBy(ORDER_COLUMN[filter.order.by], filter.order.dir)
      .skip((page.page - 1) * page.perPage)
      .take(page.perPage);
    if (filter.order.by !== 'guid') qb.addOrderBy('g.guid', filter.order.dir);
    return qb;
  }

  /** The total of a list (tests read its plan too). */
  countQuery(appId: string, filter: GroupListFilter) {
    return this.matching(appId, filter).select('COUNT(*)', 'total');
  }

  private matching(appId: string, filter: GroupListFilter) {
    const qb = this.ds
      .getRepository(GroupEntity)
      .createQueryBuilder('g')
      .where('g.appId = :appId', { appId });
    if (filter.joinedBy) {
      qb.andWhere(
        `g.guid IN (SELECT m.guid FROM "groups"."members" m WHERE m.app_id = :appId AND m.uid = :joinedBy)`,
        { joinedBy: filter.joinedBy },
      );
    }
    // The viewer's own groups are all visible to them; otherwise private ones only to members.
    // `v.app_id = :appId` (not `= g.app_id`): when the planner hashes this subquery, the constant
    // keeps it on the (app_id, uid, guid) index.
    if (filter.viewer && filter.joinedBy !== filter.viewer) {
      qb.andWhere(
        `(g.type <> 'private' OR EXISTS (SELECT 1 FROM "groups"."members" v
           WHERE v.app_id = :appId AND v.guid = g.guid AND v.uid = :viewer))`,
        { viewer: filter.viewer },
      );
    }
    if (filter.searchKey) {
      const clauses = [
        ...(filter.searchIn.includes('guid') ? ['g.guid LIKE lower(:prefix)'] : []),
        ...(filter.searchIn.includes('name') ? ['lower(g.name) LIKE lower(:prefix)'] : []),
      ];
      // No ESCAPE clause: backslash is LIKE's default escape, and a plain LIKE on a constant
      // prefix is what lets the planner use the primary key and the lower(name) pattern index.
      qb.andWhere(`(${clauses.join(' OR ')})`, { prefix: `${escapeLike(filter.searchKey)}%` });
    }
    if (filter.types?.length) qb.andWhere('g.type IN (:...types)', { types: filter.types });
    if (filter.tags?.length) qb.andWhere('g.tags && :tags::text[]', { tags: filter.tags });
    if (filter.updated?.from) qb.andWhere('g.updatedAt >= :from', { from: filter.updated.from });
    if (filter.updated?.until) qb.andWhere('g.updatedAt < :until', { until: filter.updated.until });
    return qb;
  }

  /** The memberships `uid` holds among `guids` (a page of groups, in one query). */
  viewerMemberships(appId: string, uid: string, guids: string[]): Promise<MemberEntity[]> {
    if (!guids.length) return Promise.resolve([]);
    return this.viewerMembershipsQuery(appId, uid, guids).getMany();
  }

  /** The query itself (tests read its plan). */
  viewerMembershipsQuery(appId: string, uid: string, guids: string[]) {
    return this.ds
      .getRepository(MemberEntity)
      .createQueryBuilder('m')
      .where('m.appId = :appId AND m.uid = :uid AND m.guid = ANY(:guids::text[])', {
        appId,
        uid,
        guids,
      });
  }
}
