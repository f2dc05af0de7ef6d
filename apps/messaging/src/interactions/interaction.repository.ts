import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

/** A row of `messaging.interactions`. */
export interface InteractionRow {
  message_id: string;
  uid: string;
  element_id: string;
  interacted_at: Date;
}

/** Interactions with interactive messages (schema `messaging`), in raw SQL. */
@Injectable()
export class InteractionRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Locks `uid`'s interactions with the message for the transaction (an advisory lock on the
   * pair), so "did this mark complete the goal" is decided once even when marks race.
   */
  async lock(tx: Db, appId: string, messageId: string, uid: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `interactions:${appId}:${messageId}:${uid}`,
    ]);
  }

  /** Records the elements `uid` interacted with; one already recorded keeps its first time. */
  async record(
    tx: Db,
    appId: string,
    messageId: string,
    uid: string,
    elementIds: string[],
    now: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO "messaging"."interactions" ("app_id", "message_id", "uid", "element_id", "interacted_at")
       SELECT $1, $2, $3, e, $5 FROM unnest($4::text[]) AS e
       ON CONFLICT DO NOTHING`,
      [appId, messageId, uid, elementIds, now],
    );
  }

  /** The interactions with these messages, of `uid` only or (no uid) of everyone, oldest first. */
  async of(
    appId: string,
    messageIds: string[],
    uid: string | undefined,
    db: Db = this.ds,
  ): Promise<InteractionRow[]> {
    if (!messageIds.length) return [];
    return (await db.query(
      `SELECT "message_id", "uid", "element_id", "interacted_at" FROM "messaging"."interactions"
       WHERE "app_id" = $1 AND "message_id" = ANY($2::bigint[]) AND ($3::text IS NULL OR "uid" = $3)
       ORDER BY "interacted_at", "element_id"`,
      [appId, messageIds, uid ?? null],
    )) as InteractionRow[];
  }

  /** Erases every interaction of `uid` made before `before` (a user deleted for good). */
  async eraseBy(tx: Db, appId: string, uid: string, before: Date): Promise<void> {
    await tx.query(
      `DELETE FROM "messaging"."interactions"
       WHERE "app_id" = $1 AND "uid" = $2 AND "interacted_at" < $3`,
      [appId, uid, before],
    );
  }
}
