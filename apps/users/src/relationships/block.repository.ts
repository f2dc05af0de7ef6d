import { Injectable } from '@nestjs/common';
import { BlockDirection, PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { whereUidOrNameStartsWith } from '../users/user.repository';
import { BlockEntity } from './block.entity';

/** When the viewer blocked a user, and when that user blocked the viewer (each when there is one). */
export interface BlockTimes {
  blockedByMeAt?: Date;
  hasBlockedMeAt?: Date;
}

/** The uids, as a subquery, of the users in a viewer's blocked list for a direction. */
const CANDIDATES: Record<BlockDirection, string> = {
  blockedByMe: `SELECT "b"."blocked" FROM "users"."blocks" "b"
    WHERE "b"."app_id" = :appId AND "b"."blocker" = :viewer`,
  hasBlockedMe: `SELECT "b"."blocker" FROM "users"."blocks" "b"
    WHERE "b"."app_id" = :appId AND "b"."blocked" = :viewer`,
  both: `SELECT "b"."blocked" FROM "users"."blocks" "b"
      WHERE "b"."app_id" = :appId AND "b"."blocker" = :viewer
    UNION SELECT "b"."blocker" FROM "users"."blocks" "b"
      WHERE "b"."app_id" = :appId AND "b"."blocked" = :viewer`,
};

/** Blocks: one row per (blocker, blocked); the reverse index answers "who blocked me". */
@Injectable()
export class BlockRepository {
  constructor(private readonly ds: DataSource) {}

  /** Blocks `blockedUids` for `blocker`; returns those that were not blocked before. */
  async insert(
    tx: EntityManager,
    appId: string,
    blocker: string,
    blockedUids: string[],
    at: Date,
  ): Promise<string[]> {
    if (!blockedUids.length) return [];
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(BlockEntity)
      .values(blockedUids.map((blocked) => ({ appId, blocker, blocked, createdAt: at })))
      .orIgnore()
      .returning(['blocked'])
      .execute();
    return (result.raw as Array<{ blocked: string }>).map((r) => r.blocked);
  }

  /** Unblocks `blockedUids` for `blocker`; returns those that were blocked. */
  async delete(
    tx: EntityManager,
    appId: string,
    blocker: string,
    blockedUids: string[],
  ): Promise<string[]> {
    if (!blockedUids.length) return [];
    const [rows]: [Array<{ blocked: string }>, number] = await tx.query(
      `DELETE FROM "users"."blocks"
       WHERE "app_id" = $1 AND "blocker" = $2 AND "blocked" = ANY($3::text[])
       RETURNING "blocked"`,
      [appId, blocker, blockedUids],
    );
    return rows.map((r) => r.blocked);
  }

  /**
   * A page of the active users in `viewer`'s blocked list for `direction`, in uid order.
   * `searchKey` is a prefix of the uid or, case-insensitively, of the name.
   */
  listBlockedUsers(
    appId: string,
    viewer: string,
    direction: BlockDirection,
    filter: { searchKey?: string },
    page: PageQuery,
  ): Promise<[UserEntity[], number]> {
    const qb = this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('u.appId = :appId', { appId, viewer })
      .andWhere(`u.uid IN (${CANDIDATES[direction]})`)
      .andWhere('u.deactivatedAt IS NULL')
      .andWhere('u.deletedAt IS NULL')
      .orderBy('u.uid', 'ASC')
      .skip((page.page - 1) * page.perPage)
      .take(page.perPage);
    if (filter.searchKey) whereUidOrNameStartsWith(qb, filter.searchKey);
    return qb.getManyAndCount();
  }

  /** Every block `uid` is part of, either way (both arms are index ranges). */
  async blocksOf(
    appId: string,
    uid: string,
  ): Promise<{ blockedByMe: string[]; hasBlockedMe: string[] }> {
    const rows: Array<{ blocker: string; blocked: string }> = await this.ds.query(
      `SELECT "blocker", "blocked" FROM "users"."blocks"
       WHERE "app_id" = $1 AND ("blocker" = $2 OR "blocked" = $2)`,
      [appId, uid],
    );
    return {
      blockedByMe: rows.filter((r) => r.blocker === uid).map((r) => r.blocked),
      hasBlockedMe: rows.filter((r) => r.blocked === uid).map((r) => r.blocker),
    };
  }

  /**
   * The blocks between `viewer` and each of `uids`, in one query for a whole page of users (both
   * arms are index ranges: the primary key and the reverse index). Users with no block are absent.
   */
  async blockTimes(
    appId: string,
    viewer: string,
    uids: string[],
  ): Promise<Map<string, BlockTimes>> {
    const times = new Map<string, BlockTimes>();
    if (!uids.length) return times;
    const rows: Array<{ blocker: string; blocked: string; created_at: Date }> = await this.ds.query(
      `SELECT "blocker", "blocked", "created_at" FROM "users"."blocks"
       WHERE "app_id" = $1
         AND (("blocker" = $2 AND "blocked" = ANY($3::text[]))
           OR ("blocked" = $2 AND "blocker" = ANY($3::text[])))`,
      [appId, viewer, uids],
    );
    for (const r of rows) {
      if (r.blocker === viewer) {
        times.set(r.blocked, { ...times.get(r.blocked), blockedByMeAt: r.created_at });
      } else {
        times.set(r.blocker, { ...times.get(r.blocker), hasBlockedMeAt: r.created_at });
      }
    }
    return times;
  }
}
