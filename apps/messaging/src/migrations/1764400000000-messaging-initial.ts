import { outboxTableSql } from '@parley/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessagingInitial1764400000000 implements MigrationInterface {
  name = 'MessagingInitial1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // A conversation's row is the lock that orders its sends: the send transaction bumps
    // `last_seq` with an upsert (row lock), so `seq` is gap-free per conversation.
    await q.query(`CREATE TABLE "messaging"."conversations" (
      "app_id" text NOT NULL,
      "conversation_id" text COLLATE "C" NOT NULL,
      "conversation_type" text NOT NULL CHECK ("conversation_type" IN ('user', 'group')),
      "last_seq" bigint NOT NULL CHECK ("last_seq" >= 1),
      "last_message_id" bigint,
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "conversation_id")
    )`);

    // Ids come from one sequence: increasing per app (and across apps). Drawn while the
    // conversation's row is locked, so within a conversation id order is seq order.
    await q.query(`CREATE SEQUENCE "messaging"."message_ids" AS bigint`);
    await q.query(`CREATE TABLE "messaging"."messages" (
      "app_id" text NOT NULL,
      "id" bigint NOT NULL DEFAULT nextval('"messaging"."message_ids"'),
      "conversation_id" text COLLATE "C" NOT NULL,
      "seq" bigint NOT NULL CHECK ("seq" >= 1),
      "muid" text,
      "sender" text COLLATE "C" NOT NULL,
      "receiver" text COLLATE "C" NOT NULL,
      "receiver_type" text NOT NULL CHECK ("receiver_type" IN ('user', 'group')),
      "category" text NOT NULL,
      "type" text NOT NULL,
      "data" jsonb NOT NULL,
      "tags" text[] NOT NULL DEFAULT '{}',
      "parent_id" bigint,
      "reply_count" integer NOT NULL DEFAULT 0 CHECK ("reply_count" >= 0),
      "sent_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "id"),
      CONSTRAINT "messages_conversation_seq" UNIQUE ("app_id", "conversation_id", "seq")
    )`);
    await q.query(`ALTER SEQUENCE "messaging"."message_ids" OWNED BY "messaging"."messages"."id"`);
    // Pages of one conversation, by id (cursor) in either direction.
    await q.query(
      `CREATE INDEX "messages_conversation_id" ON "messaging"."messages" ("app_id", "conversation_id", "id")`,
    );
    // Idempotent send: one message per (app, sender, muid).
    await q.query(
      `CREATE UNIQUE INDEX "messages_sender_muid" ON "messaging"."messages" ("app_id", "sender", "muid") WHERE "muid" IS NOT NULL`,
    );
    // A thread's replies; only replies are in it.
    await q.query(
      `CREATE INDEX "messages_parent" ON "messaging"."messages" ("app_id", "parent_id", "id") WHERE "parent_id" IS NOT NULL`,
    );

    // How far each participant has read and received, by seq (unread = last_seq - read_seq).
    await q.query(`CREATE TABLE "messaging"."member_positions" (
      "app_id" text NOT NULL,
      "conversation_id" text COLLATE "C" NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "read_seq" bigint NOT NULL DEFAULT 0,
      "delivered_seq" bigint NOT NULL DEFAULT 0,
      "updated_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "conversation_id", "uid")
    )`);
    await q.query(
      `CREATE INDEX "member_positions_uid" ON "messaging"."member_positions" ("app_id", "uid", "conversation_id")`,
    );

    // Read models fed by the users' and groups' events (ARCHITECTURE.md §1). `version` is the
    // stream sequence of the event that last changed the row: an event applies only when newer,
    // so redeliveries and retried older events change nothing. Rows learnt by RPC have version 0.
    await q.query(`CREATE TABLE "messaging"."users" (
      "app_id" text NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "status" text NOT NULL CHECK ("status" IN ('active', 'deactivated', 'deleted')),
      "profile" jsonb,
      "version" bigint NOT NULL,
      PRIMARY KEY ("app_id", "uid")
    )`);
    await q.query(`CREATE TABLE "messaging"."blocks" (
      "app_id" text NOT NULL,
      "blocker" text COLLATE "C" NOT NULL,
      "blocked" text COLLATE "C" NOT NULL,
      "active" boolean NOT NULL,
      "version" bigint NOT NULL,
      PRIMARY KEY ("app_id", "blocker", "blocked")
    )`);
    // `epoch`: the stream sequence of the group's last creation or deletion; a membership event
    // older than it belongs to a former group of the same guid and is ignored.
    await q.query(`CREATE TABLE "messaging"."groups" (
      "app_id" text NOT NULL,
      "guid" text COLLATE "C" NOT NULL,
      "snapshot" jsonb NOT NULL,
      "deleted" boolean NOT NULL DEFAULT false,
      "epoch" bigint NOT NULL DEFAULT 0,
      "version" bigint NOT NULL,
      PRIMARY KEY ("app_id", "guid")
    )`);
    await q.query(`CREATE TABLE "messaging"."group_members" (
      "app_id" text NOT NULL,
      "guid" text COLLATE "C" NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "state" text NOT NULL CHECK ("state" IN ('member', 'banned', 'none')),
      "scope" text,
      "version" bigint NOT NULL,
      PRIMARY KEY ("app_id", "guid", "uid")
    )`);
    await q.query(
      `CREATE INDEX "group_members_uid" ON "messaging"."group_members" ("app_id", "uid", "guid") WHERE "state" = 'member'`,
    );

    await q.query(outboxTableSql('messaging'));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'group_members',
      'groups',
      'blocks',
      'users',
      'member_positions',
      'messages',
      'conversations',
    ]) {
      await q.query(`DROP TABLE "messaging"."${table}"`);
    }
  }
}
