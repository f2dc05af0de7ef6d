/**
 * A row of `messaging.messages` as the repository reads it (raw SQL, snake_case). `bigint` columns
 * arrive as strings from the driver: ids stay strings (they are strings on the wire), `seq` is
 * turned into a number by the mapper.
 */
export interface MessageRow {
  app_id: string;
  id: string;
  conversation_id: string;
  seq: string;
  muid: string | null;
  sender: string;
  receiver: string;
  receiver_type: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown>;
  tags: string[];
  parent_id: string | null;
  reply_count: number;
  quoted_message_id: string | null;
  sent_at: Date;
  updated_at: Date;
  /** The users its text mentions (active when it was sent or last edited). */
  mentioned_uids: string[];
  /** How many reactions it has (all users, all reactions). */
  reaction_count: number;
  /** Edits and deletes (migration 1764500000000); absent or null while none happened. */
  edited_at?: Date | null;
  edited_by?: string | null;
  deleted_at?: Date | null;
  deleted_by?: string | null;
  /** A permanent delete erased the content; the row keeps the message's place (id, seq). */
  erased?: boolean;
  /** The event an action message was made from (one message per event). */
  source_event_id?: string | null;
}

/**
 * What rendering a message reads of its row (toMessage, the viewer's extras, quotes, receipts):
 * MessageRow's columns but the app, the erasure flag and the source event, with its timestamps as
 * Dates (`SELECT *`) or as Unix seconds (the page query, which spares the driver a Date per
 * timestamp: see MessageRepository.page).
 */
export type RenderRow = Omit<
  MessageRow,
  'app_id' | 'erased' | 'source_event_id' | 'sent_at' | 'updated_at' | 'edited_at' | 'deleted_at'
> & {
  sent_at: Stamp;
  updated_at: Stamp;
  edited_at?: Stamp | null;
  deleted_at?: Stamp | null;
};

/** A timestamp as read: a Date, or whole Unix seconds. */
export type Stamp = Date | number;

/** A message to insert: the conversation's seq is taken in the same transaction. */
export interface NewMessage {
  appId: string;
  conversationId: string;
  seq: number;
  muid: string | null;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown>;
  tags: string[];
  parentId: string | null;
  /** Absent: none (action messages never quote). */
  quotedMessageId?: string | null;
  sentAt: Date;
  /** The users its text mentions (none for action messages). */
  mentionedUids?: string[];
  /** An action message's source event (its unique key), see MessageRow.source_event_id. */
  sourceEventId?: string | null;
}
