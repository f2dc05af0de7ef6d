import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MessageRow } from '../messages/message.entity';

type Db = Pick<EntityManager, 'query'>;

/** An `edited`/`deleted` action message: it holds a copy of the message it is about. */
const IS_COPY = `"category" = 'action' AND "type" = 'message'`;
/** Empties that copy's content (its data and tags), keeping the rest of the action message. */
const STRIP_COPY = `"data" = jsonb_set("data", '{entities,on,entity,data}', '{}'::jsonb)
                     #- '{entities,on,entity,tags}'`;

/** A kept version of a message's content (`messaging.message_revisions`). */
export interface RevisionRow {
  revision: number;
  data: Record<string, unknown>;
  tags: string[];
  edited_at: Date;
  edited_by: string;
}

/** Edits, deletes and revisions of messages (schema `messaging`), in raw SQL. */
@Injectable()
export class MessageLifecycleRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Locks the conversation's row: taken before the message's, in the order a send takes them
   * (conversation, then a thread's parent), so an edit and a reply never wait on each other.
   */
  async lockConversation(tx: Db, appId: string, conversationId: string): Promise<void> {
    await tx.query(
      `SELECT 1 FROM "messaging"."conversations"
       WHERE "app_id" = $1 AND "conversation_id" = $2 FOR UPDATE`,
      [appId, conversationId],
    );
  }

  async lockMessage(tx: Db, appId: string, id: string): Promise<MessageRow | null> {
    const [row] = (await tx.query(
      `SELECT * FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = $2 FOR UPDATE`,
      [appId, id],
    )) as MessageRow[];
    return row ?? null;
  }

  /**
   * Replaces the content and records it as the next revision; the content as sent becomes
   * revision 0 on the first edit.
   */
  async edit(
    tx: Db,
    current: MessageRow,
    change: {
      data: Record<string, unknown>;
      tags: string[];
      mentionedUids: string[];
      by: string;
      at: Date;
    },
  ): Promise<MessageRow> {
    await tx.query(
      `INSERT INTO "messaging"."message_revisions"
         ("app_id", "message_id", "revision", "data", "tags", "edited_at", "edited_by")
       VALUES ($1, $2, 0, $3, $4::text[], $5, $6) ON CONFLICT DO NOTHING`,
      [
        current.app_id,
        current.id,
        JSON.stringify(current.data),
        current.tags,
        current.sent_at,
        current.sender,
      ],
    );
    await tx.query(
      `INSERT INTO "messaging"."message_revisions"
         ("app_id", "message_id", "revision", "data", "tags", "edited_at", "edited_by")
       SELECT $1, $2, max("revision") + 1, $3, $4::text[], $5, $6
       FROM "messaging"."message_revisions" WHERE "app_id" = $1 AND "message_id" = $2`,
      [current.app_id, current.id, JSON.stringify(change.data), change.tags, change.at, change.by],
    );
    return this.update(
      tx,
      current,
      `"data" = $3, "tags" = $4::text[], "edited_at" = $5, "edited_by" = $6, "updated_at" = $5,
       "mentioned_uids" = $7::text[]`,
      [JSON.stringify(change.data), change.tags, change.at, change.by, change.mentionedUids],
    );
  }

  async softDelete(tx: Db, current: MessageRow, by: string, at: Date): Promise<MessageRow> {
    return this.update(tx, current, `"deleted_at" = $3, "deleted_by" = $4, "updated_at" = $3`, [
      at,
      by,
    ]);
  }

  /**
   * Erases the content (data, tags, revisions, and the copies of it that the `edited`/`deleted`
   * action messages of the conversation hold: they come after it, so only the conversation's
   * later messages are read); the row keeps the message's id and seq, so the
   * conversation's seq stays gap-free, and says who deleted it when.
   */
  async erase(tx: Db, current: MessageRow, by: string, at: Date): Promise<MessageRow> {
    for (const table of ['message_revisions', 'reactions', 'interactions']) {
      await tx.query(
        `DELETE FROM "messaging"."${table}" WHERE "app_id" = $1 AND "message_id" = $2`,
        [current.app_id, current.id],
      );
    }
    await tx.query(
      `UPDATE "messaging"."messages" SET ${STRIP_COPY}, "updated_at" = $4
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "id" > $3 AND ${IS_COPY}
         AND "data" #>> '{entities,on,entity,id}' = $3::text`,
      [current.app_id, current.conversation_id, String(current.id), at],
    );
    return this.update(
      tx,
      current,
      `"data" = '{}'::jsonb, "tags" = '{}', "erased" = true, "quoted_message_id" = NULL,
       "mentioned_uids" = '{}', "reaction_count" = 0,
       "deleted_at" = COALESCE("deleted_at", $3), "deleted_by" = COALESCE("deleted_by", $4),
       "updated_at" = $3`,
      [at, by],
    );
  }

  /**
   * Erases what edits kept of the messages `uid` sent before `before` (a permanent user delete):
   * their revisions, and the copies of their content in `edited`/`deleted` action messages.
   * Idempotent.
   */
  async eraseRevisionsOf(
    tx: Db,
    appId: string,
    uid: string,
    before: Date,
    at: Date,
  ): Promise<void> {
    const sentBefore = `SELECT m."id" FROM "messaging"."messages" m
       WHERE m."app_id" = $1 AND m."sender" = $2 AND m."sent_at" < $3`;
    await tx.query(
      `DELETE FROM "messaging"."message_revisions"
       WHERE "app_id" = $1 AND "message_id" IN (${sentBefore})`,
      [appId, uid, before],
    );
    await tx.query(
      `UPDATE "messaging"."messages" SET ${STRIP_COPY}, "updated_at" = $4
       WHERE "app_id" = $1 AND ${IS_COPY} AND "data" #>> '{entities,on,entity,sender}' = $2
         AND ("data" #>> '{entities,on,entity,id}')::bigint IN (${sentBefore})
         AND ("data" #> '{entities,on,entity,data}' <> '{}'::jsonb
              OR "data" #> '{entities,on,entity,tags}' IS NOT NULL)`,
      [appId, uid, before, at],
    );
  }

  async revisions(appId: string, id: string): Promise<RevisionRow[]> {
    return this.ds.query(
      `SELECT "revision", "data", "tags", "edited_at", "edited_by"
       FROM "messaging"."message_revisions" WHERE "app_id" = $1 AND "message_id" = $2
       ORDER BY "revision"`,
      [appId, id],
    );
  }

  private async update(
    tx: Db,
    current: MessageRow,
    set: string,
    params: unknown[],
  ): Promise<MessageRow> {
    const result = (await tx.query(
      `UPDATE "messaging"."messages" SET ${set} WHERE "app_id" = $1 AND "id" = $2 RETURNING *`,
      [current.app_id, current.id, ...params],
    )) as unknown;
    return firstRow(result);
  }
}

/** TypeORM's postgres driver answers an UPDATE ... RETURNING with `[rows, count]`. */
function firstRow(result: unknown): MessageRow {
  const [rows] = result as [MessageRow[], number];
  return rows[0];
}
