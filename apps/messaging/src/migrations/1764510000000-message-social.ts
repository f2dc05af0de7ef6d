import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reactions, mentions, interactions and the indexes of the message-list filters that need one.
 * The search expression here is the one `MessageRepository` filters `searchKey` with: the index is
 * used only while both spell it the same.
 */
export class MessageSocial1764510000000 implements MigrationInterface {
  name = 'MessageSocial1764510000000';

  async up(q: QueryRunner): Promise<void> {
    // Who a message mentions (`<@uid:...>` resolved at send and edit), and how many reactions it
    // has (kept with each reaction's insert/delete, so `hasReactions` needs no join).
    await q.query(`ALTER TABLE "messaging"."messages"
      ADD COLUMN "mentioned_uids" text[] COLLATE "C" NOT NULL DEFAULT '{}',
      ADD COLUMN "reaction_count" integer NOT NULL DEFAULT 0 CHECK ("reaction_count" >= 0)`);
    await q.query(
      `CREATE INDEX "messages_mentioned_uids" ON "messaging"."messages" USING GIN ("mentioned_uids")`,
    );
    // Full-text search over a message's text and the string values of its customData ('simple':
    // no stemming, any language); searchKey matches word prefixes.
    await q.query(`CREATE INDEX "messages_search" ON "messaging"."messages" USING GIN ((
      to_tsvector('simple'::regconfig, coalesce("data"->>'text', ''))
      || jsonb_to_tsvector('simple'::regconfig, coalesce("data"->'customData', '{}'::jsonb), '["string"]')
    ))`);

    // One row per (message, reaction, user); ids increase per app like message ids. A message
    // erased for good takes its reactions and interactions with it.
    await q.query(`CREATE SEQUENCE "messaging"."reaction_ids" AS bigint`);
    await q.query(`CREATE TABLE "messaging"."reactions" (
      "app_id" text NOT NULL,
      "id" bigint NOT NULL DEFAULT nextval('"messaging"."reaction_ids"'),
      "message_id" bigint NOT NULL,
      "reaction" text NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "reacted_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "id"),
      CONSTRAINT "reactions_one_per_user" UNIQUE ("app_id", "message_id", "reaction", "uid"),
      CONSTRAINT "reactions_message" FOREIGN KEY ("app_id", "message_id")
        REFERENCES "messaging"."messages" ("app_id", "id") ON DELETE CASCADE
    )`);
    await q.query(
      `ALTER SEQUENCE "messaging"."reaction_ids" OWNED BY "messaging"."reactions"."id"`,
    );
    // A message's reactions in id order (its list pages, its summary).
    await q.query(
      `CREATE INDEX "reactions_message_id" ON "messaging"."reactions" ("app_id", "message_id", "id")`,
    );

    // What each user has interacted with on an interactive message (one row per element).
    await q.query(`CREATE TABLE "messaging"."interactions" (
      "app_id" text NOT NULL,
      "message_id" bigint NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "element_id" text NOT NULL,
      "interacted_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "message_id", "uid", "element_id"),
      CONSTRAINT "interactions_message" FOREIGN KEY ("app_id", "message_id")
        REFERENCES "messaging"."messages" ("app_id", "id") ON DELETE CASCADE
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "messaging"."interactions"`);
    await q.query(`DROP TABLE "messaging"."reactions"`);
    await q.query(`DROP INDEX "messaging"."messages_search"`);
    await q.query(`DROP INDEX "messaging"."messages_mentioned_uids"`);
    await q.query(`ALTER TABLE "messaging"."messages"
      DROP COLUMN "mentioned_uids", DROP COLUMN "reaction_count"`);
  }
}
