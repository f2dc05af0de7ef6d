/** Rows of `messaging.member_positions` and `messaging.receipt_marks` (raw SQL, snake_case). */

/** A member's position in a conversation; bigint columns arrive as strings. */
export interface PositionRow {
  read_seq: string;
  delivered_seq: string;
  own_after_read: string;
  cleared_seq: string;
  tags: string[];
}

/** A member's position as numbers. */
export interface Position {
  readSeq: number;
  deliveredSeq: number;
  ownAfterRead: number;
}

export type MarkKind = 'delivered' | 'read';

/** `uid` received or read (from_seq, to_seq] of the conversation at `marked_at`. */
export interface MarkRow {
  conversation_id: string;
  uid: string;
  kind: MarkKind;
  from_seq: string;
  to_seq: string;
  /** A Date, or Unix milliseconds (as a page reads it with its messages). */
  marked_at: Date | number;
}

/** One receiver's receipt of a message, as stored. */
export interface ReceiptRow {
  uid: string;
  delivered_at: Date | null;
  read_at: Date | null;
  total: string;
}
