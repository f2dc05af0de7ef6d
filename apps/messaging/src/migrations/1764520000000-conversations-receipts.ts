import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConversationsReceipts1764520000000 implements MigrationInterface {
  name = 'ConversationsReceipts1764520000000';

  async up(q: QueryRunner): Promise<void> {
    // A member's view of a conversation. `own_after_read`: the member's own messages after
    // `read_seq` (non-zero only after a mark-unread moved the read position back over them), so
    // unread = last_seq - read_seq - own_after_read needs no count. `cleared_seq`: the member
    // deleted the conversation there; messages up to it stay hidden from them.
    await q.query(`ALTER TABLE "messaging"."member_positions"
      ADD COLUMN "own_after_read" bigint NOT NULL DEFAULT 0,
      ADD COLUMN "cleared_seq" bigint NOT NULL DEFAULT 0,
      ADD COLUMN "tags" text[] NOT NULL DEFAULT '{}'`);
    // The group conversation's seq when the member joined: a member with no position row (groups
    // get rows lazily, never one per member per message) has read up to there.
    await q.query(
      `ALTER TABLE "messaging"."group_members" ADD COLUMN "join_seq" bigint NOT NULL DEFAULT 0`,
    );
    // When each forward move of a position happened: (from_seq, to_seq] was delivered or read at
    // `marked_at`. A member's ranges of one kind never overlap (a mark-unread clips them), so the
    // receipt time of seq s is the row with the smallest to_seq >= s.
    await q.query(`CREATE TABLE "messaging"."receipt_marks" (
      "app_id" text NOT NULL,
      "conversation_id" text COLLATE "C" NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "kind" text NOT NULL CHECK ("kind" IN ('delivered', 'read')),
      "from_seq" bigint NOT NULL,
      "to_seq" bigint NOT NULL,
      "marked_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "conversation_id", "uid", "kind", "to_seq"),
      CHECK ("to_seq" > "from_seq")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "messaging"."receipt_marks"`);
    await q.query(`ALTER TABLE "messaging"."group_members" DROP COLUMN "join_seq"`);
    await q.query(`ALTER TABLE "messaging"."member_positions"
      DROP COLUMN "own_after_read", DROP COLUMN "cleared_seq", DROP COLUMN "tags"`);
  }
}
