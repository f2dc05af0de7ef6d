import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * How a relationship change holds the users it touches until it commits:
 * - `none`: a plain read.
 * - `key share`: the users cannot be deleted meanwhile (what inserting a referencing row takes anyway).
 * - `no key update`: also one such change at a time per user, so a friend count read under it stays
 *   true until commit; unlike FOR UPDATE it still lets others insert rows that reference the user.
 * Locks are taken in uid order, so two changes over overlapping users never deadlock.
 */
export type PartyLock = 'none' | 'key share' | 'no key update';

const LOCK_CLAUSE: Record<PartyLock, string> = {
  none: '',
  'key share': 'FOR KEY SHARE',
  'no key update': 'FOR NO KEY UPDATE',
};

/** The users on either side of a friendship or block, as those features need to see them. */
@Injectable()
export class RelationshipPartyRepository {
  constructor(private readonly ds: DataSource) {}

  /** Those of `uids` that are active (neither deactivated nor deleted), read in `tx`. */
  async activeUids(
    tx: EntityManager,
    appId: string,
    uids: string[],
    lock: PartyLock,
  ): Promise<Set<string>> {
    const rows: Array<{ uid: string; active: boolean }> = await tx.query(
      `SELECT "uid", ("deactivated_at" IS NULL AND "deleted_at" IS NULL) AS "active"
       FROM "users"."users" WHERE "app_id" = $1 AND "uid" = ANY($2::text[])
       ORDER BY "uid" ${LOCK_CLAUSE[lock]}`,
      [appId, [...new Set(uids)]],
    );
    return new Set(rows.filter((r) => r.active).map((r) => r.uid));
  }

  /** Whether the user is active, outside any transaction (for reads). */
  async isActive(appId: string, uid: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM "users"."users"
       WHERE "app_id" = $1 AND "uid" = $2 AND "deactivated_at" IS NULL AND "deleted_at" IS NULL`,
      [appId, uid],
    );
    return rows.length === 1;
  }
}
