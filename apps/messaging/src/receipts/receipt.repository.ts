import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MarkKind, MarkRow, Position, PositionRow, ReceiptRow } from './receipt.entity';

type Db = Pick<EntityManager, 'query'>;

/** The pseudo-member whose marks say when the whole group had received or read up to a seq. */
export const GROUP_MARK_UID = '*';

/** Groups up to this size get whole-group receipts (CometChat's limit for group receipts). */
export const WHOLE_GROUP_RECEIPTS_MAX_MEMBERS = 300;

/**
 * Read and delivered positions (`member_positions`) and when they moved (`receipt_marks`), in raw
 * SQL. Group members get a position row only when they act (mark, tag, delete, send): a message
 * to a group writes none.
 */
@Injectable()
export class ReceiptRepository {
  constructor(private readonly ds: DataSource) {}

  /** The group conversation's seq when `uid` joined (0 when unknown). */
  async joinSeq(appId: string, guid: string, uid: string, db: Db = this.ds): Promise<number> {
    const [row] = (await db.query(
      `SELECT "join_seq" FROM "messaging"."group_members"
       WHERE "app_id" = $1 AND "guid" = $2 AND "uid" = $3`,
      [appId, guid, uid],
    )) as Array<{ join_seq: string }>;
    return row ? Number(row.join_seq) : 0;
  }

  /**
   * `uid`'s position in the conversation, locked until the transaction ends; created at `start`
   * (a group member's join) when they have none yet.
   */
  async lockPosition(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    start: number,
    now: Date,
  ): Promise<Position> {
    await tx.query(
      `INSERT INTO "messaging"."member_positions"
         ("app_id", "conversation_id", "uid", "read_seq", "delivered_seq", "updated_at")
       VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT DO NOTHING`,
      [appId, conversationId, uid, start, now],
    );
    const [row] = (await tx.query(
      `SELECT "read_seq", "delivered_seq", "own_after_read" FROM "messaging"."member_positions"
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "uid" = $3 FOR UPDATE`,
      [appId, conversationId, uid],
    )) as PositionRow[];
    return {
      readSeq: Number(row.read_seq),
      deliveredSeq: Number(row.delivered_seq),
      ownAfterRead: Number(row.own_after_read),
    };
  }

  async savePosition(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    p: Position,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE "messaging"."member_positions"
       SET "read_seq" = $4, "delivered_seq" = $5, "own_after_read" = $6, "updated_at" = $7
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "uid" = $3`,
      [appId, conversationId, uid, p.readSeq, p.deliveredSeq, p.ownAfterRead, now],
    );
  }

  /** The member's tags on the conversation (replaced), creating their position at `start`. */
  async setTags(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    tags: string[],
    start: number,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO "messaging"."member_positions" AS p
         ("app_id", "conversation_id", "uid", "read_seq", "delivered_seq", "tags", "updated_at")
       VALUES ($1, $2, $3, $5, $5, $4::text[], $6)
       ON CONFLICT ("app_id", "conversation_id", "uid") DO UPDATE
         SET "tags" = EXCLUDED."tags", "updated_at" = EXCLUDED."updated_at"`,
      [appId, conversationId, uid, tags, start, now],
    );
  }

  /** The member deleted the conversation at `seq`: hidden up to it, and read and received. */
  async clear(tx: Db, appId: string, conversationId: string, uid: string, seq: number) {
    await tx.query(
      `UPDATE "messaging"."member_positions"
       SET "cleared_seq" = GREATEST("cleared_seq", $4), "read_seq" = GREATEST("read_seq", $4),
           "delivered_seq" = GREATEST("delivered_seq", $4), "own_after_read" = 0
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "uid" = $3`,
      [appId, conversationId, uid, seq],
    );
  }

  /** (from, to] was received or read now. */
  async addMark(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    kind: MarkKind,
    from: number,
    to: number,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO "messaging"."receipt_marks"
         ("app_id", "conversation_id", "uid", "kind", "from_seq", "to_seq", "marked_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [appId, conversationId, uid, kind, from, to, now],
    );
  }

  /** Messages after `seq` are unread again: their read marks go (a crossing mark is cut at seq). */
  async clipReadMarks(tx: Db, appId: string, conversationId: string, uid: string, seq: number) {
    await tx.query(
      `DELETE FROM "messaging"."receipt_marks"
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "uid" = $3 AND "kind" = 'read'
         AND "from_seq" >= $4`,
      [appId, conversationId, uid, seq],
    );
    await tx.query(
      `UPDATE "messaging"."receipt_marks" SET "to_seq" = $4
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "uid" = $3 AND "kind" = 'read'
         AND "to_seq" > $4`,
      [appId, conversationId, uid, seq],
    );
  }

  /**
   * `uid`'s own messages after `seq` (action messages aside: they never count): counted only when a mark-unread moved the read position back
   * over them (or a read after that), over the conversation's seq key from `seq` on.
   */
  async countOwnAfter(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    seq: number,
  ): Promise<number> {
    const [row] = (await tx.query(
      `SELECT count(*) AS n FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "seq" > $3 AND "sender" = $4
         AND "category" <> 'action'`,
      [appId, conversationId, seq, uid],
    )) as Array<{ n: string }>;
    return Number(row.n);
  }

  /**
   * The marks of these conversations that cover a seq in [lo, hi] of each (of one member when
   * `uid` is given: a group's), for rendering the receipts of a page of messages.
   */
  async marksCovering(
    appId: string,
    ranges: Array<{ conversationId: string; lo: number; hi: number; uid?: string }>,
  ): Promise<MarkRow[]> {
    if (!ranges.length) return [];
    return this.ds.query(
      `SELECT r."conversation_id", r."uid", r."kind", r."from_seq", r."to_seq", r."marked_at"
       FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS b("conversation_id", "lo", "hi", "uid")
       JOIN "messaging"."receipt_marks" r
         ON r."app_id" = $1 AND r."conversation_id" = b."conversation_id"
        AND (b."uid" IS NULL OR r."uid" = b."uid")
        AND r."to_seq" >= b."lo" AND r."from_seq" < b."hi"`,
      [
        appId,
        ranges.map((r) => r.conversationId),
        ranges.map((r) => r.lo),
        ranges.map((r) => r.hi),
        ranges.map((r) => r.uid ?? null),
      ],
    );
  }

  /**
   * Who besides `sender` has received message `seq` of the conversation, with when they received
   * and read it (the marks that covered it), by uid, one page.
   */
  async receiptsOf(
    appId: string,
    conversationId: string,
    seq: number,
    sender: string,
    limit: number,
    offset: number,
  ): Promise<ReceiptRow[]> {
    const covering = (kind: MarkKind) => `(
      SELECT r."marked_at" FROM "messaging"."receipt_marks" r
      WHERE r."app_id" = p."app_id" AND r."conversation_id" = p."conversation_id"
        AND r."uid" = p."uid" AND r."kind" = '${kind}' AND r."to_seq" >= $3 AND r."from_seq" < $3
      ORDER BY r."to_seq" LIMIT 1)`;
    return this.ds.query(
      `SELECT "uid", "delivered_at", "read_at", count(*) OVER () AS "total" FROM (
         SELECT p."uid", ${covering('delivered')} AS "delivered_at",
                CASE WHEN p."read_seq" >= $3 THEN ${covering('read')} END AS "read_at"
         FROM "messaging"."member_positions" p
         WHERE p."app_id" = $1 AND p."conversation_id" = $2 AND p."uid" <> $4
           AND p."delivered_seq" >= $3
       ) x WHERE "delivered_at" IS NOT NULL
       ORDER BY "uid" LIMIT $5 OFFSET $6`,
      [appId, conversationId, seq, sender, limit, offset],
    );
  }

  /** A permanently deleted user's receipt times go (their positions go with the positions' step). */
  async dropMarksOf(tx: Db, appId: string, uid: string, before: Date): Promise<void> {
    await tx.query(
      `DELETE FROM "messaging"."receipt_marks"
       WHERE "app_id" = $1 AND "uid" = $2 AND "marked_at" < $3`,
      [appId, uid, before],
    );
  }

  /**
   * The whole group's position of one kind: the lowest of its current members' (a member without
   * a row stands at their join), if the group has at most `maxMembers` members by its snapshot
   * (else null: no whole-group receipts). Serialised per conversation for the transaction, so the
   * group marks (`uid` '*') it leads to never overlap.
   */
  async groupPosition(
    tx: Db,
    appId: string,
    guid: string,
    kind: MarkKind,
    maxMembers: number,
  ): Promise<{ lowest: number; recorded: number } | null> {
    const column = kind === 'read' ? 'read_seq' : 'delivered_seq';
    const [small] = (await tx.query(
      `SELECT 1 FROM "messaging"."groups" g
       WHERE g."app_id" = $1 AND g."guid" = $2 AND (g."snapshot"->>'membersCount')::int <= $3`,
      [appId, guid, maxMembers],
    )) as unknown[];
    if (!small) return null; // a large group's marks are never serialised
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1 || '|group_' || $2))`, [appId, guid]);
    const [row] = (await tx.query(
      `SELECT
         (SELECT MIN(GREATEST(COALESCE(p."${column}", 0), gm."join_seq"))
          FROM "messaging"."group_members" gm
          LEFT JOIN "messaging"."member_positions" p
            ON p."app_id" = gm."app_id" AND p."conversation_id" = 'group_' || gm."guid"
           AND p."uid" = gm."uid"
          WHERE gm."app_id" = $1 AND gm."guid" = $2 AND gm."state" = 'member') AS "lowest",
         (SELECT COALESCE(MAX(r."to_seq"), 0) FROM "messaging"."receipt_marks" r
          WHERE r."app_id" = $1 AND r."conversation_id" = 'group_' || $2 AND r."uid" = '${GROUP_MARK_UID}'
            AND r."kind" = $3) AS "recorded"`,
      [appId, guid, kind],
    )) as Array<{ lowest: string | null; recorded: string }>;
    if (!row || row.lowest === null) return null;
    return { lowest: Number(row.lowest), recorded: Number(row.recorded) };
  }
}
