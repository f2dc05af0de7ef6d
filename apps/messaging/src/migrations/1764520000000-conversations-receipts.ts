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
    // Action messages (membership changes, edits, deletes) are never unread. A conversation counts
    // them (`uncounted`) and each message keeps the count up to itself (`uncounted_upto`), so the
    // action messages between two seqs are a subtraction. Triggers keep both for every insert,
    // whichever feature stores the message: the message's count is read before the insert (the
    // sender holds the conversation's row lock: its seq was taken in the same transaction), and
    // the conversation's is raised after it, at the end of the statement (the statement that
    // inserts a message also updates the conversation's last message).
    await q.query(
      `ALTER TABLE "messaging"."conversations" ADD COLUMN "uncounted" bigint NOT NULL DEFAULT 0`,
    );
    await q.query(
      `ALTER TABLE "messaging"."messages" ADD COLUMN "uncounted_upto" bigint NOT NULL DEFAULT 0`,
    );
    await q.query(`CREATE FUNCTION "messaging"."message_uncounted_upto"() RETURNS trigger AS $$
      BEGIN
        SELECT c."uncounted" + CASE WHEN NEW."category" = 'action' THEN 1 ELSE 0 END
          INTO NEW."uncounted_upto"
        FROM "messaging"."conversations" c
        WHERE c."app_id" = NEW."app_id" AND c."conversation_id" = NEW."conversation_id";
        NEW."uncounted_upto" := COALESCE(NEW."uncounted_upto", 0);
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await q.query(`CREATE TRIGGER "messages_uncounted_upto" BEFORE INSERT ON "messaging"."messages"
      FOR EACH ROW EXECUTE FUNCTION "messaging"."message_uncounted_upto"()`);
    await q.query(`CREATE FUNCTION "messaging"."conversation_uncounted"() RETURNS trigger AS $$
      BEGIN
        UPDATE "messaging"."conversations" SET "uncounted" = "uncounted" + 1
        WHERE "app_id" = NEW."app_id" AND "conversation_id" = NEW."conversation_id";
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    await q.query(`CREATE TRIGGER "messages_conversation_uncounted" AFTER INSERT ON "messaging"."messages"
      FOR EACH ROW WHEN (NEW."category" = 'action')
      EXECUTE FUNCTION "messaging"."conversation_uncounted"()`);
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
    await q.query(`DROP TRIGGER "messages_conversation_uncounted" ON "messaging"."messages"`);
    await q.query(`DROP TRIGGER "messages_uncounted_upto" ON "messaging"."messages"`);
    await q.query(`DROP FUNCTION "messaging"."conversation_uncounted"()`);
    await q.query(`DROP FUNCTION "messaging"."message_uncounted_upto"()`);
    await q.query(`ALTER TABLE "messaging"."messages" DROP COLUMN "uncounted_upto"`);
    await q.query(`ALTER TABLE "messaging"."conversations" DROP COLUMN "uncounted"`);
    await q.query(`ALTER TABLE "messaging"."group_members" DROP COLUMN "join_seq"`);
    await q.query(`ALTER TABLE "messaging"."member_positions"
      DROP COLUMN "own_after_read", DROP COLUMN "cleared_seq", DROP COLUMN "tags"`);
  }
}
