import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Edits, deletes and action messages: who changed a message and when, its kept revisions, and the
 * event an action message was made from (so a redelivered event never makes a second one).
 */
export class MessageLifecycle1764500000000 implements MigrationInterface {
  name = 'MessageLifecycle1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messaging"."messages"
      ADD COLUMN "edited_at" timestamptz,
      ADD COLUMN "edited_by" text,
      ADD COLUMN "deleted_at" timestamptz,
      ADD COLUMN "deleted_by" text,
      ADD COLUMN "erased" boolean NOT NULL DEFAULT false,
      ADD COLUMN "source_event_id" text`);
    // One action message per source event (a groups' event id), whatever the redeliveries.
    await q.query(
      `CREATE UNIQUE INDEX "messages_source_event" ON "messaging"."messages" ("app_id", "source_event_id") WHERE "source_event_id" IS NOT NULL`,
    );
    // "What changed since": a conversation's messages by their last change.
    await q.query(
      `CREATE INDEX "messages_conversation_updated" ON "messaging"."messages" ("app_id", "conversation_id", "updated_at")`,
    );
    // Every version of an edited message's content: 0 as sent, then one per edit.
    await q.query(`CREATE TABLE "messaging"."message_revisions" (
      "app_id" text NOT NULL,
      "message_id" bigint NOT NULL,
      "revision" integer NOT NULL CHECK ("revision" >= 0),
      "data" jsonb NOT NULL,
      "tags" text[] NOT NULL DEFAULT '{}',
      "edited_at" timestamptz NOT NULL,
      "edited_by" text NOT NULL,
      PRIMARY KEY ("app_id", "message_id", "revision")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "messaging"."message_revisions"`);
    await q.query(`DROP INDEX "messaging"."messages_conversation_updated"`);
    await q.query(`DROP INDEX "messaging"."messages_source_event"`);
    await q.query(`ALTER TABLE "messaging"."messages"
      DROP COLUMN "edited_at", DROP COLUMN "edited_by", DROP COLUMN "deleted_at",
      DROP COLUMN "deleted_by", DROP COLUMN "erased", DROP COLUMN "source_event_id"`);
  }
}
