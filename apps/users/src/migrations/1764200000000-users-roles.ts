import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersRoles1764200000000 implements MigrationInterface {
  name = 'UsersRoles1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // role is collated "C" like uid: ids compare bytewise and the primary key gives list order.
    await q.query(`CREATE TABLE "users"."roles" (
      "app_id" text NOT NULL,
      "role" text COLLATE "C" NOT NULL,
      "name" text NOT NULL,
      "description" text,
      "metadata" jsonb,
      "settings" jsonb NOT NULL DEFAULT '{"listUsers":"all","sendMessagesTo":"all"}',
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "role")
    )`);
    // Users were stored with any role id before roles existed: give each such id a role, so that
    // every user's role exists. `default` is materialised when an app's roles are first used.
    await q.query(`INSERT INTO "users"."roles" ("app_id", "role", "name", "created_at", "updated_at")
      SELECT DISTINCT "app_id", "role", "role", now(), now()
      FROM "users"."users" WHERE "role" <> 'default'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "users"."roles"`);
  }
}
