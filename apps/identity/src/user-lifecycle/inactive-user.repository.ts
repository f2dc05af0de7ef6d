import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** The read model of deactivated users, fed by users' events. */
@Injectable()
export class InactiveUserRepository {
  constructor(private readonly ds: DataSource) {}

  /** Records the uids as inactive; returns each one's token hashes (their cached sessions to drop). */
  async add(tx: EntityManager, appId: string, uids: string[]): Promise<Map<string, string[]>> {
    // An app deleted meanwhile has no rows to protect: the join skips it.
    await tx.query(
      `INSERT INTO "identity"."inactive_users" ("app_id", "uid")
       SELECT a."app_id", u FROM "identity"."apps" a, unnest($2::text[]) u WHERE a."app_id" = $1
       ON CONFLICT DO NOTHING`,
      [appId, uids],
    );
    const rows: Array<{ uid: string; token_hash: string }> = await tx.query(
      `SELECT "uid", "token_hash" FROM "identity"."auth_tokens" WHERE "app_id" = $1 AND "uid" = ANY($2::text[])`,
      [appId, uids],
    );
    const byUid = new Map<string, string[]>();
    for (const r of rows) byUid.set(r.uid, [...(byUid.get(r.uid) ?? []), r.token_hash]);
    return byUid;
  }

  async remove(appId: string, uids: string[]): Promise<void> {
    await this.ds.query(
      `DELETE FROM "identity"."inactive_users" WHERE "app_id" = $1 AND "uid" = ANY($2::text[])`,
      [appId, uids],
    );
  }

  async isInactive(appId: string, uid: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM "identity"."inactive_users" WHERE "app_id" = $1 AND "uid" = $2`,
      [appId, uid],
    );
    return rows.length > 0;
  }
}
