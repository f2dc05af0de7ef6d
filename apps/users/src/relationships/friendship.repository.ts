import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { whereUidOrNameStartsWith } from '../users/user.repository';
import { FriendshipEntity } from './friendship.entity';

/**
 * SQL condition "the user under `userAlias` is a friend of the viewer", for user queries that show
 * a viewer only their friends (role setting `listUsers: friendsOnly`). `viewerParam` names a bound
 * parameter holding the viewer's uid, e.g. `friendOfViewerSql('u', 'viewer')` with `{viewer}`.
 * A probe of the friendships primary key per candidate user.
 */
export function friendOfViewerSql(userAlias: string, viewerParam: string): string {
  return `EXISTS (SELECT 1 FROM "users"."friendships" "fv"
    WHERE "fv"."app_id" = ${userAlias}."app_id" AND "fv"."uid" = :${viewerParam}
      AND "fv"."friend_uid" = ${userAlias}."uid")`;
}

/** Friendships, each stored as two rows (one per direction) and always changed in pairs. */
@Injectable()
export class FriendshipRepository {
  constructor(private readonly ds: DataSource) {}

  /** Those of `others` that are friends of `uid` (read in `tx` when given). */
  async friendsAmong(
    tx: EntityManager | undefined,
    appId: string,
    uid: string,
    others: string[],
  ): Promise<Set<string>> {
    if (!others.length) return new Set();
    const rows: Array<{ friend_uid: string }> = await (tx ?? this.ds.manager).query(
      `SELECT "friend_uid" FROM "users"."friendships"
       WHERE "app_id" = $1 AND "uid" = $2 AND "friend_uid" = ANY($3::text[])`,
      [appId, uid, others],
    );
    return new Set(rows.map((r) => r.friend_uid));
  }

  /**
   * How many friends each of `uids` has, against the cap. Friends that were soft-deleted are not
   * counted: they never come back, and nobody can see or remove them. Deactivated ones are, since
   * reactivation brings them back.
   */
  async countFriends(
    tx: EntityManager,
    appId: string,
    uids: string[],
  ): Promise<Map<string, number>> {
    const rows: Array<{ uid: string; n: number }> = await tx.query(
      `SELECT "f"."uid", count(*)::int AS "n"
       FROM "users"."friendships" "f"
       JOIN "users"."users" "u" ON "u"."app_id" = "f"."app_id" AND "u"."uid" = "f"."friend_uid"
       WHERE "f"."app_id" = $1 AND "f"."uid" = ANY($2::text[]) AND "u"."deleted_at" IS NULL
       GROUP BY "f"."uid"`,
      [appId, [...new Set(uids)]],
    );
    return new Map(rows.map((r) => [r.uid, r.n]));
  }

  /** Both rows of each new friendship of `uid`. */
  async insertPairs(
    tx: EntityManager,
    appId: string,
    uid: string,
    friendUids: string[],
    at: Date,
  ): Promise<void> {
    if (!friendUids.length) return;
    const rows = friendUids.flatMap((f) => [
      { appId, uid, friendUid: f, createdAt: at },
      { appId, uid: f, friendUid: uid, createdAt: at },
    ]);
    await tx.createQueryBuilder().insert().into(FriendshipEntity).values(rows).orIgnore().execute();
  }

  /** Removes both rows of each friendship of `uid` with `friendUids`; returns the friends removed. */
  async deletePairs(
    tx: EntityManager,
    appId: string,
    uid: string,
    friendUids: string[],
  ): Promise<string[]> {
    if (!friendUids.length) return [];
    const [rows]: [Array<{ uid: string; friend_uid: string }>, number] = await tx.query(
      `DELETE FROM "users"."friendships"
       WHERE "app_id" = $1
         AND (("uid" = $2 AND "friend_uid" = ANY($3::text[]))
           OR ("friend_uid" = $2 AND "uid" = ANY($3::text[])))
       RETURNING "uid", "friend_uid"`,
      [appId, uid, friendUids],
    );
    return rows.filter((r) => r.uid === uid).map((r) => r.friend_uid);
  }

  /**
   * A page of the active friends of `uid`, in uid order (a range of the primary key, joined to the
   * users). `searchKey` is a prefix of the friend's uid or, case-insensitively, of the name.
   */
  listActiveFriends(
    appId: string,
    uid: string,
    filter: { searchKey?: string },
    page: PageQuery,
  ): Promise<[UserEntity[], number]> {
    const qb = this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .innerJoin(
        FriendshipEntity,
        'f',
        'f.appId = u.appId AND f.friendUid = u.uid AND f.uid = :uid',
        { uid },
      )
      .where('u.appId = :appId', { appId })
      .andWhere('u.deactivatedAt IS NULL')
      .andWhere('u.deletedAt IS NULL')
      .orderBy('f.friendUid', 'ASC')
      // offset/limit, not skip/take: the join is one-to-one, so no distinct pre-query is needed.
      .offset((page.page - 1) * page.perPage)
      .limit(page.perPage);
    if (filter.searchKey) {
      whereUidOrNameStartsWith(qb, filter.searchKey, ['uid', 'name'], {
        uid: 'f.friendUid',
        name: 'u.name',
      });
    }
    return qb.getManyAndCount();
  }

  async areFriends(appId: string, a: string, b: string): Promise<boolean> {
    return (await this.friendsAmong(undefined, appId, a, [b])).has(b);
  }

  /** Every friend of `uid` (at most the cap), whatever the friend's state, in uid order. */
  async friendUids(appId: string, uid: string): Promise<string[]> {
    const rows: Array<{ friend_uid: string }> = await this.ds.query(
      `SELECT "friend_uid" FROM "users"."friendships"
       WHERE "app_id" = $1 AND "uid" = $2 ORDER BY "friend_uid"`,
      [appId, uid],
    );
    return rows.map((r) => r.friend_uid);
  }
}
