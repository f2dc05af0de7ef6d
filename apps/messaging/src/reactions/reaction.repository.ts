import { Injectable } from '@nestjs/common';
import { ReactionListQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

/** A row of `messaging.reactions` (bigint ids arrive as strings). */
export interface ReactionRow {
  id: string;
  message_id: string;
  reaction: string;
  uid: string;
  reacted_at: Date;
}

/** One distinct reaction of a message: how many users, whether the viewer is one of them. */
export interface ReactionCountRow {
  message_id: string;
  reaction: string;
  count: number;
  reacted_by_viewer: boolean;
}

/** Reactions (schema `messaging`), in raw SQL. */
@Injectable()
export class ReactionRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Locks the message's row for the transaction: reactions to one message are changed one after
   * another, so the limit of distinct reactions holds under concurrent adds.
   */
  async lockMessage(tx: Db, appId: string, messageId: string): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT 1 FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = $2 FOR UPDATE`,
      [appId, messageId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** The distinct reactions a message has now. */
  async distinctReactions(tx: Db, appId: string, messageId: string): Promise<string[]> {
    const rows = (await tx.query(
      `SELECT DISTINCT "reaction" FROM "messaging"."reactions"
       WHERE "app_id" = $1 AND "message_id" = $2`,
      [appId, messageId],
    )) as Array<{ reaction: string }>;
    return rows.map((r) => r.reaction);
  }

  /**
   * Stores `uid`'s reaction and counts it on the message (its `updated_at` moves: a reaction is a
   * change of the message). Null when the user already had it.
   */
  async add(
    tx: Db,
    appId: string,
    messageId: string,
    reaction: string,
    uid: string,
    now: Date,
  ): Promise<ReactionRow | null> {
    const [row] = (await tx.query(
      `WITH added AS (
         INSERT INTO "messaging"."reactions" ("app_id", "message_id", "reaction", "uid", "reacted_at")
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT "reactions_one_per_user" DO NOTHING
         RETURNING *
       ), counted AS (
         UPDATE "messaging"."messages" m
         SET "reaction_count" = m."reaction_count" + 1, "updated_at" = $5
         FROM added a WHERE m."app_id" = a."app_id" AND m."id" = a."message_id"
       )
       SELECT "id", "message_id", "reaction", "uid", "reacted_at" FROM added`,
      [appId, messageId, reaction, uid, now],
    )) as ReactionRow[];
    return row ?? null;
  }

  /** Removes `uid`'s reaction and uncounts it. Null when the user did not have it. */
  async remove(
    tx: Db,
    appId: string,
    messageId: string,
    reaction: string,
    uid: string,
    now: Date,
  ): Promise<ReactionRow | null> {
    const [row] = (await tx.query(
      `WITH removed AS (
         DELETE FROM "messaging"."reactions"
         WHERE "app_id" = $1 AND "message_id" = $2 AND "reaction" = $3 AND "uid" = $4
         RETURNING *
       ), counted AS (
         UPDATE "messaging"."messages" m
         SET "reaction_count" = m."reaction_count" - 1, "updated_at" = $5
         FROM removed r WHERE m."app_id" = r."app_id" AND m."id" = r."message_id"
       )
       SELECT "id", "message_id", "reaction", "uid", "reacted_at" FROM removed`,
      [appId, messageId, reaction, uid, now],
    )) as ReactionRow[];
    return row ?? null;
  }

  /**
   * The reactions of messages, counted: one row per (message, reaction), each message's in the
   * order its reactions were first used; `reacted_by_viewer` for `viewer` (false without one).
   */
  async counts(
    appId: string,
    messageIds: string[],
    viewer: string | undefined,
    db: Db = this.ds,
  ): Promise<ReactionCountRow[]> {
    if (!messageIds.length) return [];
    return (await db.query(
      `SELECT "message_id", "reaction", count(*)::int AS "count",
              coalesce(bool_or("uid" = $3), false) AS "reacted_by_viewer"
       FROM "messaging"."reactions"
       WHERE "app_id" = $1 AND "message_id" = ANY($2::bigint[])
       GROUP BY "message_id", "reaction"
       ORDER BY "message_id", min("id")`,
      [appId, messageIds, viewer ?? null],
    )) as ReactionCountRow[];
  }

  /**
   * Erases every reaction of `uid` made before `before` (a user deleted for good), uncounting each
   * on its message.
   */
  async eraseBy(tx: Db, appId: string, uid: string, before: Date): Promise<void> {
    await tx.query(
      `WITH removed AS (
         DELETE FROM "messaging"."reactions"
         WHERE "app_id" = $1 AND "uid" = $2 AND "reacted_at" < $3
         RETURNING "message_id"
       ), per_message AS (
         SELECT "message_id", count(*)::int AS n FROM removed GROUP BY "message_id"
       )
       UPDATE "messaging"."messages" m SET "reaction_count" = m."reaction_count" - p.n
       FROM per_message p WHERE m."app_id" = $1 AND m."id" = p."message_id"`,
      [appId, uid, before],
    );
  }

  /** A page of a message's reactions (all, or of one reaction), by id in the direction asked. */
  async list(
    appId: string,
    messageId: string,
    reaction: string | undefined,
    q: ReactionListQuery,
  ): Promise<ReactionRow[]> {
    const params: unknown[] = [appId, messageId];
    const where = [`"app_id" = $1`, `"message_id" = $2`];
    if (reaction !== undefined) {
      params.push(reaction);
      where.push(`"reaction" = $${params.length}`);
    }
    const append = q.affix === 'append';
    if (q.id !== undefined) {
      params.push(q.id);
      where.push(`"id" ${append ? '>' : '<'} $${params.length}`);
    }
    params.push(q.limit);
    return (await this.ds.query(
      `SELECT "id", "message_id", "reaction", "uid", "reacted_at" FROM "messaging"."reactions"
       WHERE ${where.join(' AND ')}
       ORDER BY "id" ${append ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
      params,
    )) as ReactionRow[];
  }
}
