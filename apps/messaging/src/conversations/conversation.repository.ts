import { Injectable } from '@nestjs/common';
import { escapeLike } from '@parley/common';
import { DataSource, EntityManager } from 'typeorm';
import { MessageRow } from '../messages/message.entity';
import { ConversationRow, UserConversationRow } from './conversation.entity';

type Db = Pick<EntityManager, 'query'>;

/** Which of a user's conversations to read, and how many. */
export interface UserConversationFilter {
  conversationId?: string;
  conversationType?: 'user' | 'group';
  /** Only conversations with messages after the read (or, `undelivered`, delivered) position. */
  unread?: boolean;
  undelivered?: boolean;
  tags?: string[];
  userTags?: string[];
  groupTags?: string[];
  searchKey?: string;
  limit?: number;
  offset?: number;
}

/**
 * A user's conversations (schema `messaging`), in raw SQL. Theirs are the 1:1 conversations they
 * have a position in (both users get one with the first message) and the conversations of the
 * groups they are a member of now; a group member without a position row stands at their join.
 * Unread counts come from seqs and positions only:
 *   last_seq - GREATEST(read_seq, join_seq) - (action messages after it) - own_after_read
 * where the action messages after a position are the conversation's `uncounted` minus the
 * `uncounted_upto` of the message at the position (action messages never count), and own
 * messages never count: sending moves the sender's read position to their message.
 */
@Injectable()
export class ConversationRepository {
  constructor(private readonly ds: DataSource) {}

  async find(appId: string, conversationId: string, db: Db = this.ds) {
    const [row] = (await db.query(
      `SELECT * FROM "messaging"."conversations" WHERE "app_id" = $1 AND "conversation_id" = $2`,
      [appId, conversationId],
    )) as ConversationRow[];
    return row ?? null;
  }

  /** The id of the conversation's message at `seq`. */
  async messageIdAt(appId: string, conversationId: string, seq: number, db: Db = this.ds) {
    const [row] = (await db.query(
      `SELECT "id", "sender" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "seq" = $3`,
      [appId, conversationId, seq],
    )) as Array<{ id: string; sender: string }>;
    return row ?? null;
  }

  async messagesByIds(appId: string, ids: string[]): Promise<MessageRow[]> {
    if (!ids.length) return [];
    return this.ds.query(
      `SELECT * FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = ANY($2::bigint[])`,
      [appId, ids],
    );
  }

  async forUser(appId: string, uid: string, f: UserConversationFilter = {}, db: Db = this.ds) {
    const params: unknown[] = [appId, uid];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`x."last_seq" > x."cleared_seq"`];
    if (f.conversationId) where.push(`x."conversation_id" = ${p(f.conversationId)}`);
    if (f.conversationType) where.push(`x."conversation_type" = ${p(f.conversationType)}`);
    if (f.unread) where.push(`x."unread" > 0`);
    if (f.undelivered) where.push(`x."undelivered" > 0`);
    if (f.tags?.length) where.push(`x."tags" && ${p(f.tags)}::text[]`);
    if (f.userTags?.length) {
      where.push(`COALESCE(u."profile"->'tags', '[]') ?| ${p(f.userTags)}::text[]`);
    }
    if (f.groupTags?.length) {
      where.push(`COALESCE(g."snapshot"->'tags', '[]') ?| ${p(f.groupTags)}::text[]`);
    }
    if (f.searchKey) {
      const like = p(`%${escapeLike(f.searchKey)}%`);
      where.push(
        `(x."with_id" ILIKE ${like} OR COALESCE(u."profile"->>'name', g."snapshot"->>'name', '') ILIKE ${like})`,
      );
    }
    const page = f.limit === undefined ? '' : ` LIMIT ${p(f.limit)} OFFSET ${p(f.offset ?? 0)}`;
    // For a 1:1 conversation "<a>_user_<b>" the other user is the part that is not the viewer.
    const sql = `
      WITH mine AS (
        SELECT c.*, CASE
                 WHEN starts_with(c."conversation_id", $2 || '_user_')
                 THEN substr(c."conversation_id", length($2) + 7)
                 ELSE left(c."conversation_id", length(c."conversation_id") - length($2) - 6)
               END AS "with_id",
               p."read_seq", p."delivered_seq", p."own_after_read", p."cleared_seq", p."tags",
               0::bigint AS "join_seq", NULL::text AS "scope"
        FROM "messaging"."member_positions" p
        JOIN "messaging"."conversations" c
          ON c."app_id" = p."app_id" AND c."conversation_id" = p."conversation_id"
        WHERE p."app_id" = $1 AND p."uid" = $2 AND c."conversation_type" = 'user'
        UNION ALL
        SELECT c.*, gm."guid",
               COALESCE(p."read_seq", gm."join_seq"), COALESCE(p."delivered_seq", gm."join_seq"),
               COALESCE(p."own_after_read", 0), COALESCE(p."cleared_seq", 0),
               COALESCE(p."tags", '{}'), gm."join_seq", gm."scope"
        FROM "messaging"."group_members" gm
        JOIN "messaging"."conversations" c
          ON c."app_id" = gm."app_id" AND c."conversation_id" = 'group_' || gm."guid"
        LEFT JOIN "messaging"."member_positions" p
          ON p."app_id" = gm."app_id" AND p."conversation_id" = c."conversation_id" AND p."uid" = gm."uid"
        WHERE gm."app_id" = $1 AND gm."uid" = $2 AND gm."state" = 'member'
      ), x AS (
        -- The messages at the read and delivered positions (key look-ups) say how many action
        -- messages lie behind them; the conversation, how many in all.
        SELECT mine.*, r."id" AS "last_read_message_id",
          GREATEST(0, mine."last_seq" - GREATEST(mine."read_seq", mine."join_seq")
            - (mine."uncounted" - COALESCE(r."uncounted_upto", 0)) - mine."own_after_read") AS "unread",
          GREATEST(0, mine."last_seq" - GREATEST(mine."delivered_seq", mine."join_seq")
            - (mine."uncounted" - COALESCE(d."uncounted_upto", 0))) AS "undelivered"
        FROM mine
        LEFT JOIN "messaging"."messages" r
          ON r."app_id" = $1 AND r."conversation_id" = mine."conversation_id"
         AND r."seq" = GREATEST(mine."read_seq", mine."join_seq")
        LEFT JOIN "messaging"."messages" d
          ON d."app_id" = $1 AND d."conversation_id" = mine."conversation_id"
         AND d."seq" = GREATEST(mine."delivered_seq", mine."join_seq")
      )
      SELECT x.*, u."profile", g."snapshot", count(*) OVER () AS "total"
      FROM x
      LEFT JOIN "messaging"."users" u
        ON x."conversation_type" = 'user' AND u."app_id" = $1 AND u."uid" = x."with_id"
      LEFT JOIN "messaging"."groups" g
        ON x."conversation_type" = 'group' AND g."app_id" = $1 AND g."guid" = x."with_id"
      WHERE ${where.join(' AND ')}
      ORDER BY x."updated_at" DESC, x."conversation_id"${page}`;
    return (await db.query(sql, params)) as Array<UserConversationRow & { undelivered: string }>;
  }
}
