import { escapeLike } from '@parley/common';
import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { BanEntity } from './ban.entity';
import { MemberEntity, MemberScope } from './member.entity';

/** What a member list may be narrowed by. */
export interface MemberListFilter {
  scopes?: MemberScope[];
  /** Prefix of the uid. */
  uidPrefix?: string;
  /** Keyset paging: members after this uid (the page's offset is then not used). */
  after?: string;
  /** Only these uids (presence: `status=available`). */
  onlyUids?: string[];
  /** None of these uids (presence: `status=offline`). */
  exceptUids?: string[];
}

/**
 * Memberships and bans. Writers hold the group's row lock (GroupRepository.lock) and adjust
 * `membersCount` by what these methods report they changed.
 */
@Injectable()
export class MemberRepository {
  constructor(private readonly ds: DataSource) {}

  find(appId: string, guid: string, uid: string, tx?: EntityManager): Promise<MemberEntity | null> {
    return (tx ?? this.ds.manager).getRepository(MemberEntity).findOneBy({ appId, guid, uid });
  }

  /** Inserts memberships that do not exist yet; returns the uids inserted. */
  async insertMany(tx: EntityManager, rows: MemberEntity[]): Promise<string[]> {
    if (!rows.length) return [];
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(MemberEntity)
      .values(rows)
      .orIgnore()
      .returning(['uid'])
      .execute();
    return (result.raw as Array<{ uid: string }>).map((r) => r.uid);
  }

  async setScope(
    tx: EntityManager,
    appId: string,
    guid: string,
    uid: string,
    scope: MemberScope,
  ): Promise<void> {
    await tx.getRepository(MemberEntity).update({ appId, guid, uid }, { scope });
  }

  /** Removes a membership; false when there was none. */
  async delete(tx: EntityManager, appId: string, guid: string, uid: string): Promise<boolean> {
    const r = await tx.getRepository(MemberEntity).delete({ appId, guid, uid });
    return (r.affected ?? 0) > 0;
  }

  isBanned(appId: string, guid: string, uid: string, tx?: EntityManager): Promise<boolean> {
    return (tx ?? this.ds.manager).getRepository(BanEntity).existsBy({ appId, guid, uid });
  }

  /** Records a ban; false when the user was already banned. */
  async insertBan(tx: EntityManager, ban: BanEntity): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(BanEntity)
      .values(ban)
      .orIgnore()
      .returning(['uid'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async deleteBan(tx: EntityManager, appId: string, guid: string, uid: string): Promise<boolean> {
    const r = await tx.getRepository(BanEntity).delete({ appId, guid, uid });
    return (r.affected ?? 0) > 0;
  }

  /** The memberships of `uids` in the group (one primary-key probe per uid). */
  findMany(
    tx: EntityManager,
    appId: string,
    guid: string,
    uids: string[],
  ): Promise<MemberEntity[]> {
    if (!uids.length) return Promise.resolve([]);
    return tx
      .getRepository(MemberEntity)
      .createQueryBuilder('m')
      .where('m.appId = :appId AND m.guid = :guid AND m.uid = ANY(:uids::text[])', {
        appId,
        guid,
        uids,
      })
      .getMany();
  }

  /** The bans of `uids` in the group. */
  findBans(tx: EntityManager, appId: string, guid: string, uids: string[]): Promise<BanEntity[]> {
    if (!uids.length) return Promise.resolve([]);
    return tx
      .getRepository(BanEntity)
      .createQueryBuilder('b')
      .where('b.appId = :appId AND b.guid = :guid AND b.uid = ANY(:uids::text[])', {
        appId,
        guid,
        uids,
      })
      .getMany();
  }

  /** Sets a membership's scope and joinedAt (data import). */
  async update(tx: EntityManager, row: MemberEntity): Promise<void> {
    await tx
      .getRepository(MemberEntity)
      .update(
        { appId: row.appId, guid: row.guid, uid: row.uid },
        { scope: row.scope, joinedAt: row.joinedAt },
      );
  }

  /** Members of the group matching `filter` (no order, no page), under `alias`. */
  private matching(appId: string, guid: string, filter: MemberListFilter, alias = 'm') {
    const qb = this.ds
      .getRepository(MemberEntity)
      .createQueryBuilder(alias)
      .where(`${alias}.appId = :appId AND ${alias}.guid = :guid`, { appId, guid });
    if (filter.scopes?.length) {
      qb.andWhere(`${alias}.scope IN (:...scopes)`, { scopes: filter.scopes });
    }
    // A plain LIKE on a constant prefix of a "C"-collated column is an index range.
    if (filter.uidPrefix) {
      qb.andWhere(`${alias}.uid LIKE :prefix`, { prefix: `${escapeLike(filter.uidPrefix)}%` });
    }
    if (filter.onlyUids) {
      qb.andWhere(`${alias}.uid = ANY(:onlyUids::text[])`, { onlyUids: filter.onlyUids });
    }
    if (filter.exceptUids?.length) {
      qb.andWhere(`NOT (${alias}.uid = ANY(:exceptUids::text[]))`, {
        exceptUids: filter.exceptUids,
      });
    }
    return qb;
  }

  /**
   * The page query of a group's members, in uid order (tests read its plan): a range of the
   * primary key (app_id, guid, uid), or of (app_id, guid, scope, uid) for one scope. With `after`
   * (keyset) the range starts at that uid, so a deep page reads no more rows than the first. A
   * deep offset page first skips to its first uid in the index alone (an index-only scan, no table
   * rows), then reads just its own rows.
   */
  listQuery(appId: string, guid: string, filter: MemberListFilter, page: PageQuery) {
    const qb = this.matching(appId, guid, filter).orderBy('m.uid', 'ASC').limit(page.perPage);
    if (filter.after !== undefined) {
      qb.andWhere('m.uid > :after', { after: filter.after });
    } else if (page.page > 1) {
      const first = this.matching(appId, guid, filter, 'o')
        .select('o.uid')
        .orderBy('o.uid', 'ASC')
        .offset((page.page - 1) * page.perPage)
        .limit(1);
      qb.andWhere(`m.uid >= (${first.getQuery()})`);
    }
    return qb;
  }

  list(
    appId: string,
    guid: string,
    filter: MemberListFilter,
    page: PageQuery,
  ): Promise<MemberEntity[]> {
    return this.listQuery(appId, guid, filter, page).getMany();
  }

  /** How many members match the filter (an index-only count). */
  async count(appId: string, guid: string, filter: MemberListFilter): Promise<number> {
    const row = await this.matching(appId, guid, { ...filter, after: undefined })
      .select('COUNT(*)::int', 'n')
      .getRawOne<{ n: number }>();
    return row?.n ?? 0;
  }

  /** Every member's uid (index range of the primary key): for groups smaller than what is online. */
  async uidsOf(appId: string, guid: string): Promise<string[]> {
    const rows: Array<{ uid: string }> = await this.ds.query(
      `SELECT "uid" FROM "groups"."members" WHERE "app_id" = $1 AND "guid" = $2`,
      [appId, guid],
    );
    return rows.map((r) => r.uid);
  }

  /** The guids of every group the user is a member of, in guid order (index (app_id, uid, guid)). */
  async guidsOf(appId: string, uid: string): Promise<string[]> {
    const rows: Array<{ guid: string }> = await this.ds.query(
      `SELECT "guid" FROM "groups"."members" WHERE "app_id" = $1 AND "uid" = $2 ORDER BY "guid"`,
      [appId, uid],
    );
    return rows.map((r) => r.guid);
  }

  /** A page of the group's bans in uid order, and how many there are. */
  listBans(appId: string, guid: string, page: PageQuery): Promise<[BanEntity[], number]> {
    return this.ds
      .getRepository(BanEntity)
      .createQueryBuilder('b')
      .where('b.appId = :appId AND b.guid = :guid', { appId, guid })
      .orderBy('b.uid', 'ASC')
      .limit(page.perPage)
      .offset((page.page - 1) * page.perPage)
      .getManyAndCount(); // COUNT over the primary key's range: bans are few
  }
}
