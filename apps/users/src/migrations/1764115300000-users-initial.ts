import { outboxTableSql } from '@parley/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersInitial1764115300000 implements MigrationInterface {
  name = 'UsersInitial1764115300000';

  async up(q: QueryRunner): Promise<void> {
    // (app_id, uid) is what roles, friendships and blocks will reference; `role` will reference
    // the app's roles once they exist. uid is collated "C": the primary key then serves prefix LIKE.
    await q.query(`CREATE TABLE "users"."users" (
      "app_id" text NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "name" text NOT NULL,
      "avatar" text,
      "link" text,
      "role" text NOT NULL DEFAULT 'default',
      "status_message" text,
      "metadata" jsonb,
      "tags" text[] NOT NULL DEFAULT '{}',
      "last_active_at" timestamptz,
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      "deactivated_at" timestamptz,
      "deleted_at" timestamptz,
      PRIMARY KEY ("app_id", "uid")
    )`);
    // Case-insensitive name prefix search: lower(name) LIKE 'x%'.
    await q.query(
      `CREATE INDEX "users_app_name_lower" ON "users"."users" ("app_id", lower("name") text_pattern_ops)`,
    );
    await q.query(`CREATE INDEX "users_app_role" ON "users"."users" ("app_id", "role")`);
    await q.query(`CREATE INDEX "users_tags" ON "users"."users" USING gin ("tags")`);
    await q.query(outboxTableSql('users'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "users"."outbox"`);
    await q.query(`DROP TABLE "users"."users"`);
  }
}
