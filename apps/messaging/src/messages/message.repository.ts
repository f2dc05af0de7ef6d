import { Injectable } from '@nestjs/common';
import { pgPool, poolQuery, RawDb } from '@parley/common';
import { MessageListQuery } from '@parley/contracts';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DirectoryGroup, DirectoryUser } from '../directory/directory.entity';
import { MarkRow } from '../receipts/receipt.entity';
import { GROUP_MARK_UID } from '../receipts/receipt.repository';
import { MessageRow, NewMessage, RenderRow } from './message.entity';

type Db = Pick<EntityManager, 'query'>;

/** A statement and its parameters (the plan tests read them). */
export interface Sql {
  sql: string;
  params: unknown[];
  /** Set when it runs as a prepared statement of that name (see MessageRepository.page). */
  name?: string;
}

/** Unix seconds, whole (as toSeconds), of a timestamp column of `m`: a number, not a Date. */
const epoch = (column: string) => `floor(date_part('epoch', m."${column}")) AS "${column}"`;

/**
 * A page row's fields as the page statement sends them (see pageSql): each a JSON array of these,
 * in this order, which parses in half the time of an object per row with its keys. `text`: a
 * bigint, as a string (as the driver gives bigints); `seconds`: the whole Unix seconds.
 */
const PAGE_ROW_FIELDS: ReadonlyArray<readonly [keyof RenderRow & string, 'text' | 'seconds' | '']> =
  [
    ['id', 'text'],
    ['conversation_id', ''],
    ['seq', 'text'],
    ['muid', ''],
    ['sender', ''],
    ['receiver', ''],
    ['receiver_type', ''],
    ['category', ''],
    ['type', ''],
    ['data', ''],
    ['tags', ''],
    ['parent_id', 'text'],
    ['reply_count', ''],
    ['quoted_message_id', 'text'],
    ['mentioned_uids', ''],
    ['reaction_count', ''],
    ['edited_by', ''],
    ['deleted_by', ''],
    ['sent_at', 'seconds'],
    ['updated_at', 'seconds'],
    ['edited_at', 'seconds'],
    ['deleted_at', 'seconds'],
  ];

/** The columns a page's messages are rendered from (RenderRow), timestamps as Unix seconds. */
const PAGE_COLUMNS = PAGE_ROW_FIELDS.map(([c, kind]) =>
  kind === 'seconds' ? epoch(c) : `m."${c}"`,
).join(', ');

/** A page row (of PAGE_COLUMNS, as `p`) as the JSON array of PAGE_ROW_FIELDS. */
const PAGE_ROW_JSON = `json_build_array(${PAGE_ROW_FIELDS.map(
  ([c, kind]) => `p."${c}"${kind === 'text' ? '::text' : kind === 'seconds' ? '::bigint' : ''}`,
).join(', ')})`;

/**
 * A page row from its JSON array (PAGE_ROW_JSON): an object literal, so every row has one shape
 * (the fields in PAGE_ROW_FIELDS' order; the repository's tests compare a whole row).
 */
function pageRow(v: unknown[]): RenderRow {
  return {
    id: v[0],
    conversation_id: v[1],
    seq: v[2],
    muid: v[3],
    sender: v[4],
    receiver: v[5],
    receiver_type: v[6],
    category: v[7],
    type: v[8],
    data: v[9],
    tags: v[10],
    parent_id: v[11],
    reply_count: v[12],
    quoted_message_id: v[13],
    mentioned_uids: v[14],
    reaction_count: v[15],
    edited_by: v[16],
    deleted_by: v[17],
    sent_at: v[18],
    updated_at: v[19],
    edited_at: v[20],
    deleted_at: v[21],
  } as RenderRow;
}

/** What MessageRepository.page reads with a page's messages. */
export interface PageRead {
  /** The page's messages, in the order asked for (newest first for `prepend`). */
  rows: RenderRow[];
  /** The users they name (senders, 1:1 receivers, mentions), as usersForDisplay reads them. */
  users: DirectoryUser[];
  /** The groups they were sent to, as groupsForDisplay reads them. */
  groups: Array<Pick<DirectoryGroup, 'guid' | 'snapshot'>>;
  /**
   * The receipt marks that may cover them (at least those ReceiptViews.marksFor reads): any
   * user's in a 1:1 conversation, the whole group's and the viewer's in a group; `marked_at` in
   * Unix milliseconds (whole seconds).
   */
  marks: MarkRow[];
}

/** Statement names by SQL: a page's text is hashed once per process, not once per page. */
const statementNames = new Map<string, string>();
const STATEMENT_NAMES_MAX = 1000;

/** The name of the prepared statement of a page's `sql` (a prefix and a hash of the text). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `messages_page_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    if (statementNames.size >= STATEMENT_NAMES_MAX) statementNames.clear();
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * The words `searchKey` is matched against: a message's text and the string values of its
 * customData. Spelt exactly as the `messages_search` index (migration 1764510000000) is, so the
 * filter reads that index.
 */
const SEARCH_VECTOR = `(to_tsvector('simple'::regconfig, coalesce(m."data"->>'text', ''))
  || jsonb_to_tsvector('simple'::regconfig, coalesce(m."data"->'customData', '{}'::jsonb), '["string"]'))`;

/**
 * A searchKey as a tsquery: each word (letters and digits) a prefix, all of them required. Null
 * when it has no word, so it matches nothing.
 */
export function searchQuery(searchKey: string): string | null {
  const words = searchKey.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/**
 * An interactive message whose goal the user (`$uid`, a parameter) has met with their own
 * interactions: the SQL twin of isGoalCompleted (interactions/interaction-goal.ts).
 */
function goalCompletedBy(uid: string): string {
  const goal = `m."data"->'interactionGoal'`;
  const elementIds = `(CASE WHEN jsonb_typeof(${goal}->'elementIds') = 'array'
    THEN ${goal}->'elementIds' ELSE '[]'::jsonb END)`;
  const interacted = (element?: string) =>
    `EXISTS (SELECT 1 FROM "messaging"."interactions" i
      WHERE i."app_id" = m."app_id" AND i."message_id" = m."id" AND i."uid" = ${uid}
      ${element ? `AND ${element}` : ''})`;
  return `m."category" = 'interactive' AND CASE ${goal}->>'type'
    WHEN 'anyAction' THEN ${interacted()}
    WHEN 'anyOf' THEN ${interacted(`${elementIds} ? i."element_id"`)}
    WHEN 'allOf' THEN jsonb_array_length(${elementIds}) > 0 AND NOT EXISTS (
      SELECT 1 FROM jsonb_array_elements_text(${elementIds}) AS e("id")
      WHERE NOT ${interacted(`i."element_id" = e."id"`)})
    ELSE false END`;
}

/** The muid index: a second insert of (app, sender, muid) violates it. */
const MUID_INDEX = 'messages_sender_muid';
/** The source-event index: a second action message of one event violates it. */
const SOURCE_EVENT_INDEX = 'messages_source_event';

const isUniqueViolationOf = (err: unknown, index: string): boolean => {
  const e = err as { code?: string; constraint?: string; driverError?: { constraint?: string } };
  return e?.code === '23505' && (e.constraint ?? e.driverError?.constraint) === index;
};

/** True when `err` is the unique violation of (app, sender, muid): the message exists already. */
export function isMuidTaken(err: unknown): boolean {
  return isUniqueViolationOf(err, MUID_INDEX);
}

/** True when `err` says the event's action message exists already. */
export function isSourceEventTaken(err: unknown): boolean {
  return isUniqueViolationOf(err, SOURCE_EVENT_INDEX);
}

/** A send's parameters $1-$14, as the send statements number them. */
function sendParams(m: Omit<NewMessage, 'seq' | 'sourceEventId'>): unknown[] {
  return [
    m.appId,
    m.conversationId,
    m.muid,
    m.sender,
    m.receiver,
    m.receiverType,
    m.category,
    m.type,
    JSON.stringify(m.data),
    m.tags,
    m.parentId,
    m.quotedMessageId ?? null,
    m.sentAt,
    m.mentionedUids ?? [],
  ];
}

/** Messages, conversations and read positions (schema `messaging`), in raw SQL. */
@Injectable()
export class MessageRepository {
  constructor(private readonly ds: DataSource) {}

  async findById(appId: string, id: string, db: Db = this.ds): Promise<MessageRow | null> {
    const [row] = (await db.query(
      `SELECT * FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = $2`,
      [appId, id],
    )) as MessageRow[];
    return row ?? null;
  }

  async findByIds(appId: string, ids: string[], db: Db = this.ds): Promise<MessageRow[]> {
    if (!ids.length) return [];
    return db.query(
      `SELECT * FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = ANY($2::bigint[])`,
      [appId, ids],
    );
  }

  async findByMuid(
    appId: string,
    sender: string,
    muid: string,
    db: Db = this.ds,
  ): Promise<MessageRow | null> {
    const [row] = (await db.query(
      `SELECT * FROM "messaging"."messages" WHERE "app_id" = $1 AND "sender" = $2 AND "muid" = $3`,
      [appId, sender, muid],
    )) as MessageRow[];
    return row ?? null;
  }

  /**
   * The conversation's next seq: creates the conversation at 1 or adds 1 to its `last_seq`. The
   * upsert holds the conversation's row lock until the transaction ends, so concurrent sends to
   * one conversation take 1, 2, 3, ... one after another, and a rolled-back send leaves no gap.
   * Returns the seq and the type of the conversation that holds the id.
   */
  async takeSeq(
    tx: Db,
    appId: string,
    conversationId: string,
    conversationType: 'user' | 'group',
    now: Date,
  ): Promise<{ seq: number; conversationType: string }> {
    const [row] = (await tx.query(
      `INSERT INTO "messaging"."conversations" AS c
         ("app_id", "conversation_id", "conversation_type", "last_seq", "created_at", "updated_at")
       VALUES ($1, $2, $3, 1, $4, $4)
       ON CONFLICT ("app_id", "conversation_id") DO UPDATE
         SET "last_seq" = c."last_seq" + 1, "updated_at" = EXCLUDED."updated_at"
       RETURNING "last_seq", "conversation_type"`,
      [appId, conversationId, conversationType, now],
    )) as Array<{ last_seq: string; conversation_type: string }>;
    return { seq: Number(row.last_seq), conversationType: row.conversation_type };
  }

  /**
   * Inserts the message (its id drawn now, under the conversation's lock, so ids follow seqs
   * within a conversation) and records it as the conversation's last. A second (app, sender,
   * muid) fails with the muid index's unique violation (see isMuidTaken).
   */
  async insert(tx: Db, m: NewMessage): Promise<MessageRow> {
    const [row] = (await tx.query(
      `WITH inserted AS (
         INSERT INTO "messaging"."messages"
           ("app_id", "conversation_id", "seq", "muid", "sender", "receiver", "receiver_type",
            "category", "type", "data", "tags", "parent_id", "quoted_message_id", "sent_at",
            "updated_at", "source_event_id", "mentioned_uids")
         VALUES ($1, $2, $15, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11, $12, $13, $13, $16,
                 $14::text[])
         RETURNING *
       ), latest AS (
         UPDATE "messaging"."conversations" c SET "last_message_id" = i."id"
         FROM inserted i WHERE c."app_id" = i."app_id" AND c."conversation_id" = i."conversation_id"
       )
       SELECT * FROM inserted`,
      [...sendParams(m), m.seq, m.sourceEventId ?? null],
    )) as MessageRow[];
    return row;
  }

  /**
   * A send's writes in ONE statement (one round trip instead of three): takes the conversation's
   * next seq (as takeSeq: the upsert holds the row lock to the end of the transaction) and, in
   * the same upsert, the message's id (so, drawn under the lock, ids follow seqs within a
   * conversation), inserts the message and, for the first message, gives `open` a position with
   * nothing read (as openPosition). When the conversation id is held by a conversation of another type
   * nothing but the seq is written and `message` is null: the caller rolls the transaction back.
   * A second (app, sender, muid) fails with the muid index's unique violation (see isMuidTaken).
   */
  async insertWithSeq(
    tx: Db,
    m: Omit<NewMessage, 'seq' | 'sourceEventId'>,
    positions: { open: string | null },
  ): Promise<{ conversationType: string; message: MessageRow | null }> {
    const params = sendParams(m);
    const p = (v: unknown) => `$${params.push(v)}::text`;
    // A new 1:1 conversation's receiver gets a position with nothing read (as openPosition).
    const opened = positions.open
      ? `, opened AS (
         INSERT INTO "messaging"."member_positions"
           ("app_id", "conversation_id", "uid", "read_seq", "delivered_seq", "updated_at")
         SELECT $1, $2, ${p(positions.open)}, 0, 0, $13::timestamptz FROM inserted i
         WHERE i."seq" = 1
         ON CONFLICT DO NOTHING
       )`
      : '';
    const [row] = (await tx.query(
      `WITH conv AS (
         INSERT INTO "messaging"."conversations" AS c
           ("app_id", "conversation_id", "conversation_type", "last_seq", "created_at", "updated_at")
         VALUES ($1, $2, $6, 1, $13, $13)
         ON CONFLICT ("app_id", "conversation_id") DO UPDATE
           SET "last_seq" = c."last_seq" + 1, "updated_at" = EXCLUDED."updated_at",
               "last_message_id" = nextval('"messaging"."message_ids"')
         RETURNING "last_seq", "conversation_type", "last_message_id"
       ), inserted AS (
         INSERT INTO "messaging"."messages"
           ("id", "app_id", "conversation_id", "seq", "muid", "sender", "receiver", "receiver_type",
            "category", "type", "data", "tags", "parent_id", "quoted_message_id", "sent_at",
            "updated_at", "mentioned_uids")
         SELECT COALESCE(conv."last_message_id", nextval('"messaging"."message_ids"')), $1, $2,
                conv."last_seq", $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,
                $9::jsonb, $10::text[], $11::bigint, $12::bigint, $13::timestamptz, $13::timestamptz,
                $14::text[]
         FROM conv WHERE conv."conversation_type" = $6
         RETURNING *
       )${opened}
       SELECT conv."conversation_type" AS "held_by", conv."last_message_id" AS "held_last", i.*
       FROM conv LEFT JOIN inserted i ON true`,
      params,
    )) as Array<MessageRow & { held_by: string; held_last: string | null }>;
    const { held_by: conversationType, held_last: heldLast, ...message } = row;
    if (row.id == null) return { conversationType, message: null };
    // A new conversation's row was inserted, not updated, so its last message is set here.
    if (heldLast == null) {
      await tx.query(
        `UPDATE "messaging"."conversations" SET "last_message_id" = $3
         WHERE "app_id" = $1 AND "conversation_id" = $2`,
        [m.appId, m.conversationId, row.id],
      );
    }
    return { conversationType, message: message as MessageRow };
  }

  /**
   * A send to a conversation that exists, as ONE statement (atomic without BEGIN and COMMIT, so
   * one round trip instead of five): appendToConversations for this send alone. Null when the
   * conversation does not exist or is of another type: nothing was written, and the caller takes
   * the general way. A second (app, sender, muid) fails with the muid index's unique violation
   * (see isMuidTaken).
   */
  async appendToConversation(
    db: RawDb,
    m: Omit<NewMessage, 'seq' | 'sourceEventId'>,
    event: { eventId: string; subject: string; payload: unknown },
  ): Promise<MessageRow | null> {
    const [row] = await this.appendToConversations(db, [{ m, event }]);
    return row;
  }

  /**
   * Sends, each to a conversation that exists and no two to the same one, as ONE statement (one
   * transaction and one commit for all of them, with no BEGIN and COMMIT: a statement is atomic on
   * its own). For each: under the conversation's row lock the next seq and the message's id (as
   * takeSeq: ids follow seqs within a conversation), the message, the sender's read and delivered
   * position moved to it with its receipt marks (as advancePosition), and the outbox row of its
   * event, whose `message.id` and `message.seq` are set from the row. Locks: the conversations'
   * rows first, in (app, conversation) order, so two such statements never wait on each other in
   * a cycle; then each sender's position (`prev`, read by the main query through `marks`, locks it
   * before `moved` writes it), as the transaction of a first message takes them. Answers each
   * send's row, in order, or null where the conversation does not exist or is of another type
   * (that send wrote nothing). A stored muid fails the whole statement with the muid index's
   * unique violation (see isMuidTaken): nothing is written.
   */
  async appendToConversations(
    db: RawDb,
    sends: ReadonlyArray<{
      m: Omit<NewMessage, 'seq' | 'sourceEventId'>;
      event: { eventId: string; subject: string; payload: unknown };
    }>,
  ): Promise<Array<MessageRow | null>> {
    const column = <T>(f: (s: (typeof sends)[number]) => T) => sends.map(f);
    const rows = (await db.query(
      `WITH x AS (
         SELECT u.*, ($9::jsonb)->(u."n"::int - 1) AS "data", ($10::jsonb)->(u."n"::int - 1) AS "tags",
                ($12::jsonb)->(u."n"::int - 1) AS "mentioned",
                ($15::jsonb)->(u."n"::int - 1) AS "payload"
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $11::timestamptz[], $13::text[], $14::text[])
           WITH ORDINALITY
           AS u("app_id", "conversation_id", "muid", "sender", "receiver", "receiver_type",
                "category", "type", "sent_at", "event_id", "subject", "n")
       ), locked AS (
         SELECT c."app_id", c."conversation_id" FROM "messaging"."conversations" c
         JOIN x ON c."app_id" = x."app_id" AND c."conversation_id" = x."conversation_id"
               AND c."conversation_type" = x."receiver_type"
         ORDER BY c."app_id", c."conversation_id"
         FOR UPDATE OF c
       ), conv AS (
         UPDATE "messaging"."conversations" c
         SET "last_seq" = c."last_seq" + 1, "updated_at" = x."sent_at",
             "last_message_id" = nextval('"messaging"."message_ids"')
         FROM locked l JOIN x ON x."app_id" = l."app_id" AND x."conversation_id" = l."conversation_id"
         WHERE c."app_id" = l."app_id" AND c."conversation_id" = l."conversation_id"
         RETURNING c."app_id", c."conversation_id", c."last_seq", c."last_message_id"
       ), inserted AS (
         INSERT INTO "messaging"."messages"
           ("id", "app_id", "conversation_id", "seq", "muid", "sender", "receiver", "receiver_type",
            "category", "type", "data", "tags", "parent_id", "quoted_message_id", "sent_at",
            "updated_at", "mentioned_uids")
         SELECT conv."last_message_id", x."app_id", x."conversation_id", conv."last_seq", x."muid",
                x."sender", x."receiver", x."receiver_type", x."category", x."type",
                x."data", ARRAY(SELECT jsonb_array_elements_text(x."tags")),
                NULL::bigint, NULL::bigint, x."sent_at", x."sent_at",
                ARRAY(SELECT jsonb_array_elements_text(x."mentioned"))
         FROM conv JOIN x ON x."app_id" = conv."app_id" AND x."conversation_id" = conv."conversation_id"
         RETURNING *
       ), prev AS (
         SELECT p."app_id", p."conversation_id", p."read_seq", p."delivered_seq"
         FROM "messaging"."member_positions" p
         JOIN inserted i ON p."app_id" = i."app_id" AND p."conversation_id" = i."conversation_id"
                        AND p."uid" = i."sender"
         FOR UPDATE OF p
       ), marks AS (
         INSERT INTO "messaging"."receipt_marks"
           ("app_id", "conversation_id", "uid", "kind", "from_seq", "to_seq", "marked_at")
         SELECT i."app_id", i."conversation_id", i."sender", k."kind", k."from_seq", i."seq" - 1,
                i."sent_at"
         FROM inserted i
         JOIN (SELECT "app_id", "conversation_id", 'read' AS "kind", "read_seq" AS "from_seq"
               FROM prev
               UNION ALL SELECT "app_id", "conversation_id", 'delivered', "delivered_seq" FROM prev) k
           ON k."app_id" = i."app_id" AND k."conversation_id" = i."conversation_id"
         WHERE k."from_seq" < i."seq" - 1
         ON CONFLICT DO NOTHING
         RETURNING 1
       ), moved AS (
         INSERT INTO "messaging"."member_positions" AS p
           ("app_id", "conversation_id", "uid", "read_seq", "delivered_seq", "updated_at")
         SELECT i."app_id", i."conversation_id", i."sender", i."seq", i."seq", i."sent_at"
         FROM inserted i
         ON CONFLICT ("app_id", "conversation_id", "uid") DO UPDATE
           SET "read_seq" = GREATEST(p."read_seq", EXCLUDED."read_seq"),
               "delivered_seq" = GREATEST(p."delivered_seq", EXCLUDED."delivered_seq"),
               "own_after_read" = 0,
               "updated_at" = EXCLUDED."updated_at"
       ), staged AS (
         INSERT INTO "messaging"."outbox" ("event_id", "subject", "payload")
         SELECT x."event_id", x."subject",
                jsonb_set(jsonb_set(x."payload", '{message,id}', to_jsonb(i."id"::text)),
                          '{message,seq}', to_jsonb(i."seq"))
         FROM inserted i
         JOIN x ON x."app_id" = i."app_id" AND x."conversation_id" = i."conversation_id"
         ORDER BY i."id"
       )
       SELECT i.*, (SELECT count(*) FROM marks) AS "marks" FROM inserted i`,
      [
        column((s) => s.m.appId),
        column((s) => s.m.conversationId),
        column((s) => s.m.muid),
        column((s) => s.m.sender),
        column((s) => s.m.receiver),
        column((s) => s.m.receiverType),
        column((s) => s.m.category),
        column((s) => s.m.type),
        // The JSON of every send as one array each (a text[] would escape each element).
        JSON.stringify(column((s) => s.m.data)),
        JSON.stringify(column((s) => s.m.tags)),
        column((s) => s.m.sentAt),
        JSON.stringify(column((s) => s.m.mentionedUids ?? [])),
        column((s) => s.event.eventId),
        column((s) => s.event.subject),
        JSON.stringify(column((s) => s.event.payload)),
      ],
      'messaging_append_to_conversations',
    )) as unknown as Array<MessageRow & { marks: string }>;
    const byConversation = new Map<string, MessageRow>();
    for (const { marks: _marks, ...row } of rows) {
      byConversation.set(`${row.app_id}\n${row.conversation_id}`, row);
    }
    return sends.map(({ m }) => byConversation.get(`${m.appId}\n${m.conversationId}`) ?? null);
  }

  /**
   * Replaces the users a message mentions (an edit changed its text; see MessageMentions).
   */
  async setMentions(tx: Db, appId: string, id: string, uids: string[]): Promise<void> {
    await tx.query(
      `UPDATE "messaging"."messages" SET "mentioned_uids" = $3::text[]
       WHERE "app_id" = $1 AND "id" = $2`,
      [appId, id, uids],
    );
  }

  /** The parent of a reply: where it is and whether it is a reply itself. */
  async findParent(
    tx: Db,
    appId: string,
    id: string,
  ): Promise<Pick<MessageRow, 'conversation_id' | 'parent_id' | 'category' | 'erased'> | null> {
    const [row] = (await tx.query(
      `SELECT "conversation_id", "parent_id", "category", "erased" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "id" = $2`,
      [appId, id],
    )) as Array<Pick<MessageRow, 'conversation_id' | 'parent_id' | 'category' | 'erased'>>;
    return row ?? null;
  }

  async countReply(tx: Db, appId: string, parentId: string): Promise<void> {
    await tx.query(
      `UPDATE "messaging"."messages" SET "reply_count" = "reply_count" + 1
       WHERE "app_id" = $1 AND "id" = $2`,
      [appId, parentId],
    );
  }

  /**
   * The sender has read and received the conversation up to their message at `seq` (positions only
   * move forward; nothing of theirs is after it, so `own_after_read` is 0). Others' messages the
   * move passes over are recorded as delivered and read now (receipt_marks), as a mark would.
   */
  async advancePosition(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    seq: number,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `WITH prev AS (
         SELECT "read_seq", "delivered_seq" FROM "messaging"."member_positions"
         WHERE "app_id" = $1 AND "conversation_id" = $2 AND "uid" = $3 FOR UPDATE
       ), moved AS (
         INSERT INTO "messaging"."member_positions" AS p
           ("app_id", "conversation_id", "uid", "read_seq", "delivered_seq", "updated_at")
         VALUES ($1, $2, $3, $4, $4, $5)
         ON CONFLICT ("app_id", "conversation_id", "uid") DO UPDATE
           SET "read_seq" = GREATEST(p."read_seq", EXCLUDED."read_seq"),
               "delivered_seq" = GREATEST(p."delivered_seq", EXCLUDED."delivered_seq"),
               "own_after_read" = 0,
               "updated_at" = EXCLUDED."updated_at"
       )
       INSERT INTO "messaging"."receipt_marks"
         ("app_id", "conversation_id", "uid", "kind", "from_seq", "to_seq", "marked_at")
       SELECT $1, $2, $3, k."kind", k."from_seq", $4 - 1, $5
       FROM (SELECT 'read' AS "kind", "read_seq" AS "from_seq" FROM prev
             UNION ALL SELECT 'delivered', "delivered_seq" FROM prev) k
       WHERE k."from_seq" < $4 - 1
       ON CONFLICT DO NOTHING`,
      [appId, conversationId, uid, seq, now],
    );
  }

  /** A 1:1 conversation's receiver gets a position (nothing read) when the conversation starts. */
  async openPosition(
    tx: Db,
    appId: string,
    conversationId: string,
    uid: string,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO "messaging"."member_positions"
         ("app_id", "conversation_id", "uid", "read_seq", "delivered_seq", "updated_at")
       VALUES ($1, $2, $3, 0, 0, $4) ON CONFLICT DO NOTHING`,
      [appId, conversationId, uid, now],
    );
  }

  /**
   * Erases the content of every message `uid` sent before `before` (a permanent user delete):
   * `data`, tags, muid and quote go; the rows stay, so every conversation's seqs stay gap-free.
   * Erased rows are left alone when it runs again.
   */
  async eraseSentBy(tx: Db, appId: string, uid: string, before: Date, now: Date): Promise<void> {
    await tx.query(
      `UPDATE "messaging"."messages"
         SET "data" = '{}'::jsonb, "tags" = '{}', "muid" = NULL, "quoted_message_id" = NULL,
             "updated_at" = $3
       WHERE "app_id" = $1 AND "sender" = $2 AND "sent_at" < $4
         AND ("data" <> '{}'::jsonb OR "tags" <> '{}' OR "muid" IS NOT NULL
              OR "quoted_message_id" IS NOT NULL)`,
      [appId, uid, now, before],
    );
  }

  /**
   * Forgets `uid` as a mention in the messages sent before `before`: in the messages they sent
   * (their content is erased) and in the others' that mention them (the text keeps its
   * `<@uid:...>`, which names nobody any more).
   */
  async eraseMentionsOf(tx: Db, appId: string, uid: string, before: Date): Promise<void> {
    await tx.query(
      `UPDATE "messaging"."messages"
         SET "mentioned_uids" = CASE WHEN "sender" = $2 THEN '{}'
                                     ELSE array_remove("mentioned_uids", $2::text) END
       WHERE "app_id" = $1 AND cardinality("mentioned_uids") > 0 AND "sent_at" < $3
         AND ("sender" = $2 OR "mentioned_uids" @> ARRAY[$2]::text[])`,
      [appId, uid, before],
    );
  }

  /** Drops `uid`'s read and delivered positions that have not moved since `before`. */
  async dropPositionsOf(tx: Db, appId: string, uid: string, before: Date): Promise<void> {
    await tx.query(
      `DELETE FROM "messaging"."member_positions"
       WHERE "app_id" = $1 AND "uid" = $2 AND "updated_at" < $3`,
      [appId, uid, before],
    );
  }

  /** The 1:1 conversations `uid` takes part in (each has a position for both participants). */
  async userConversationIds(appId: string, uid: string): Promise<string[]> {
    const rows = (await this.ds.query(
      `SELECT p."conversation_id" FROM "messaging"."member_positions" p
       JOIN "messaging"."conversations" c
         ON c."app_id" = p."app_id" AND c."conversation_id" = p."conversation_id"
       WHERE p."app_id" = $1 AND p."uid" = $2 AND c."conversation_type" = 'user'`,
      [appId, uid],
    )) as Array<{ conversation_id: string }>;
    return rows.map((r) => r.conversation_id);
  }

  /**
   * One page of messages (reference §2.2b): of the whole app (`conversationIds` undefined), of one
   * conversation, or of several (a user's). Newest first for `prepend`, oldest first for `append`.
   * A conversation pages through its (app_id, conversation_id, id) index, or, for a seq range,
   * its (app_id, conversation_id, seq) key; the app through the primary key (app_id, id).
   */
  listSql(
    appId: string,
    conversationIds: string[] | undefined,
    q: MessageListQuery,
    viewer?: string,
  ): Sql {
    const params: unknown[] = [appId];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`m."app_id" = $1`];
    let joins = '';
    if (viewer !== undefined) {
      // The viewer's position (one key look-up per message): what they deleted stays hidden, and
      // `unread`/`undelivered` keep others' messages after their read/delivered position (a group
      // member without a position row is at their join), action messages aside, as in the counts.
      const v = p(viewer);
      joins += ` LEFT JOIN "messaging"."member_positions" vp
        ON vp."app_id" = m."app_id" AND vp."conversation_id" = m."conversation_id" AND vp."uid" = ${v}`;
      where.push(`m."seq" > COALESCE(vp."cleared_seq", 0)`);
      if (q.unread || q.undelivered) {
        joins += ` LEFT JOIN "messaging"."group_members" vg ON m."receiver_type" = 'group'
          AND vg."app_id" = m."app_id" AND vg."guid" = m."receiver" AND vg."uid" = ${v}`;
        where.push(`m."sender" <> ${v}`, `m."category" <> 'action'`);
        const column = q.unread ? 'read_seq' : 'delivered_seq';
        where.push(`m."seq" > GREATEST(COALESCE(vp."${column}", 0), COALESCE(vg."join_seq", 0))`);
      }
    }
    if (q.receiverType) where.push(`m."receiver_type" = ${p(q.receiverType)}`);
    if (conversationIds?.length === 1) where.push(`m."conversation_id" = ${p(conversationIds[0])}`);
    else if (conversationIds)
      where.push(`m."conversation_id" = ANY(${p(conversationIds)}::text[])`);
    const prepend = q.affix === 'prepend';
    if (q.id !== undefined) {
      where.push(`m."id" ${prepend ? '<' : '>'} ${p(q.id)}`);
    } else if (q.sentAt !== undefined) {
      // Whole seconds, inclusive: a message of that second may come again, none is skipped.
      where.push(
        prepend
          ? `m."sent_at" < to_timestamp(${p(q.sentAt + 1)})`
          : `m."sent_at" >= to_timestamp(${p(q.sentAt)})`,
      );
    }
    if (q.fromSeq !== undefined) where.push(`m."seq" >= ${p(q.fromSeq)}`);
    if (q.toSeq !== undefined) where.push(`m."seq" <= ${p(q.toSeq)}`);
    if (q.categories.length) where.push(`m."category" = ANY(${p(q.categories)}::text[])`);
    if (q.types.length) where.push(`m."type" = ANY(${p(q.types)}::text[])`);
    if (q.tags.length) where.push(`m."tags" && ${p(q.tags)}::text[]`);
    if (q.parentId !== undefined) where.push(`m."parent_id" = ${p(q.parentId)}`);
    else if (q.hideReplies) where.push(`m."parent_id" IS NULL`);
    if (q.fromTimestamp !== undefined) {
      where.push(`m."sent_at" >= to_timestamp(${p(q.fromTimestamp)})`);
    }
    if (q.toTimestamp !== undefined) {
      where.push(`m."sent_at" < to_timestamp(${p(q.toTimestamp + 1)})`);
    }
    if (q.hideDeleted) where.push(`m."deleted_at" IS NULL`);
    if (q.onlyDeleted) where.push(`m."deleted_at" IS NOT NULL`);
    if (q.updatedSince !== undefined) {
      where.push(`m."updated_at" >= to_timestamp(${p(q.updatedSince)})`);
    }
    where.push(...this.contentFilters(q, viewer, p));
    const sql = `SELECT ${PAGE_COLUMNS} FROM "messaging"."messages" m${joins} WHERE ${where.join(' AND ')} ORDER BY ${pageOrder('m', conversationIds, q)} LIMIT ${p(q.limit)}`;
    // A page of one conversation without a text search is prepared once per connection: its
    // best plan (one range of a conversation's index) does not depend on the values, so the
    // generic plan PostgreSQL settles on is it (the plan tests check). Other pages are planned for
    // their values each time.
    const prepared = conversationIds?.length === 1 && q.searchKey === undefined;
    return { sql, params, ...(prepared ? { name: statementName(sql) } : {}) };
  }

  /**
   * listSql's page with what rendering it reads besides, in ONE statement (one round trip, where
   * the users, groups and receipt marks were two more after the page): the page's rows (each a
   * JSON array, see PAGE_ROW_FIELDS), the users and groups they name and the receipt marks that
   * may cover them (see PageRead), as one row of JSON. Prepared when listSql's page is.
   */
  pageSql(
    appId: string,
    conversationIds: string[] | undefined,
    q: MessageListQuery,
    viewer?: string,
  ): Sql {
    const list = this.listSql(appId, conversationIds, q, viewer);
    const params = [...list.params, viewer ?? null];
    const v = `$${params.length}::text`;
    const sql = `WITH page AS (${list.sql})
      SELECT
        (SELECT coalesce(json_agg(${PAGE_ROW_JSON} ORDER BY ${pageOrder('p', conversationIds, q)}), '[]')
         FROM page p) AS "rows",
        (SELECT coalesce(json_agg(json_build_object(
                  'uid', u."uid", 'status', u."status", 'profile', u."profile")), '[]')
         FROM "messaging"."users" u
         WHERE u."app_id" = $1 AND u."uid" IN (
           SELECT p."sender" FROM page p
           UNION SELECT p."receiver" FROM page p WHERE p."receiver_type" = 'user'
           UNION SELECT unnest(p."mentioned_uids") FROM page p)) AS "users",
        (SELECT coalesce(json_agg(json_build_object('guid', g."guid", 'snapshot', g."snapshot")), '[]')
         FROM "messaging"."groups" g
         WHERE g."app_id" = $1
           AND g."guid" IN (SELECT p."receiver" FROM page p WHERE p."receiver_type" = 'group')) AS "groups",
        (SELECT coalesce(json_agg(json_build_object(
                  'conversation_id', r."conversation_id", 'uid', r."uid", 'kind', r."kind",
                  'from_seq', r."from_seq"::text, 'to_seq', r."to_seq"::text,
                  'marked_at', floor(date_part('epoch', r."marked_at"))::bigint * 1000)), '[]')
         FROM (SELECT p."conversation_id", bool_or(p."receiver_type" = 'group') AS "grp",
                      min(p."seq") AS "lo", max(p."seq") AS "hi"
               FROM page p GROUP BY p."conversation_id") b
         JOIN "messaging"."receipt_marks" r
           ON r."app_id" = $1 AND r."conversation_id" = b."conversation_id"
          AND (NOT b."grp" OR r."uid" = '${GROUP_MARK_UID}' OR r."uid" = ${v})
          AND r."to_seq" >= b."lo" AND r."from_seq" < b."hi") AS "marks"`;
    return { sql, params, ...(list.name ? { name: statementName(sql) } : {}) };
  }

  /**
   * The filters on what a message holds (reference §4.8): searchKey (the `messages_search` index),
   * attachments, links, reactions and mentions (`myMentionsOnly` needs the viewer).
   */
  private contentFilters(
    q: MessageListQuery,
    viewer: string | undefined,
    p: (v: unknown) => string,
  ): string[] {
    const where: string[] = [];
    if (q.searchKey !== undefined) {
      const tsquery = searchQuery(q.searchKey);
      where.push(tsquery ? `${SEARCH_VECTOR} @@ to_tsquery('simple', ${p(tsquery)})` : 'false');
    }
    if (q.hasAttachments) {
      where.push(
        `jsonb_typeof(m."data"->'attachments') = 'array' AND m."data"->'attachments' <> '[]'::jsonb`,
      );
    }
    if (q.attachmentTypes.length) {
      where.push(`m."category" = 'message' AND m."type" = ANY(${p(q.attachmentTypes)}::text[])`);
    }
    if (q.hasLinks) where.push(`m."data"->>'text' ~* '(https?://|www[.])[^[:space:]]+'`);
    if (q.hasReactions) where.push(`m."reaction_count" > 0`);
    if (q.hasMentions) where.push(`cardinality(m."mentioned_uids") > 0`);
    if (q.mentionedUids.length) {
      where.push(`m."mentioned_uids" && ${p(q.mentionedUids)}::text[]`);
    }
    if (q.myMentionsOnly && viewer !== undefined) {
      where.push(`m."mentioned_uids" @> ARRAY[${p(viewer)}]::text[]`);
    }
    if (q.onlyInteractionGoalCompleted && viewer !== undefined) {
      where.push(goalCompletedBy(p(viewer)));
    }
    return where;
  }

  /**
   * One page of messages with what rendering them reads (see pageSql and PageRead). On the
   * driver's pool, not the query runner: a prepared statement needs its name, which TypeORM's
   * `query` does not pass on.
   */
  async page(
    appId: string,
    conversationIds: string[] | undefined,
    q: MessageListQuery,
    viewer?: string,
  ): Promise<PageRead> {
    const { sql, params, name } = this.pageSql(appId, conversationIds, q, viewer);
    // Named where it can be; where connections share a session it is planned for its values.
    const [read] = await poolQuery<Omit<PageRead, 'rows'> & { rows: unknown[][] }>(
      pgPool(this.ds),
      sql,
      params,
      name,
    );
    return { ...read, rows: read.rows.map(pageRow) };
  }
}

/**
 * The order of a page's rows (of table alias `alias`): by id, or by seq for a seq range of one
 * conversation (within a conversation the two agree; a seq range reads the seq key).
 */
function pageOrder(alias: string, conversationIds: string[] | undefined, q: MessageListQuery) {
  const bySeq =
    conversationIds?.length === 1 &&
    q.id === undefined &&
    (q.fromSeq !== undefined || q.toSeq !== undefined);
  return `${alias}."${bySeq ? 'seq' : 'id'}" ${q.affix === 'prepend' ? 'DESC' : 'ASC'}`;
}
