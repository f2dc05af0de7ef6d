import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessagingRulesThreadsImport1764530000000 implements MigrationInterface {
  name = 'MessagingRulesThreadsImport1764530000000';

  async up(q: QueryRunner): Promise<void> {
    // A quoted reply names the message it quotes (same conversation); shown with it when read.
    await q.query(`ALTER TABLE "messaging"."messages" ADD COLUMN "quoted_message_id" bigint`);

    // Read models of the users service's roles and friendships (role `sendMessagesTo`), fed by
    // EVT_USERS like users and blocks: `version` is the stream sequence of the event that last
    // changed the row (0: learnt by RPC). A friendship is one row per pair, `uid_a` < `uid_b`.
    await q.query(`CREATE TABLE "messaging"."roles" (
      "app_id" text NOT NULL,
      "role" text COLLATE "C" NOT NULL,
      "send_messages_to" text NOT NULL CHECK ("send_messages_to" IN ('all', 'friendsOnly')),
      "deleted" boolean NOT NULL DEFAULT false,
      "version" bigint NOT NULL,
      PRIMARY KEY ("app_id", "role")
    )`);
    await q.query(`CREATE TABLE "messaging"."friendships" (
      "app_id" text NOT NULL,
      "uid_a" text COLLATE "C" NOT NULL,
      "uid_b" text COLLATE "C" NOT NULL,
      "active" boolean NOT NULL,
      "version" bigint NOT NULL,
      PRIMARY KEY ("app_id", "uid_a", "uid_b"),
      CHECK ("uid_a" < "uid_b")
    )`);
    await q.query(
      `CREATE INDEX "friendships_uid_b" ON "messaging"."friendships" ("app_id", "uid_b")`,
    );
    // Erasing a user's messages (permanent delete) finds them by sender.
    await q.query(
      `CREATE INDEX "messages_sender" ON "messaging"."messages" ("app_id", "sender", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "messaging"."messages_sender"`);
    await q.query(`DROP TABLE "messaging"."friendships"`);
    await q.query(`DROP TABLE "messaging"."roles"`);
    await q.query(`ALTER TABLE "messaging"."messages" DROP COLUMN "quoted_message_id"`);
  }
}
