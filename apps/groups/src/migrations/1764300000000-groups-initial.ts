import { outboxTableSql } from '@parley/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class GroupsInitial1764300000000 implements MigrationInterface {
  name = 'GroupsInitial1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "groups"."groups" (
      "app_id" text NOT NULL,
      "guid" text COLLATE "C" NOT NULL,
      "name" text NOT NULL,
      "type" text NOT NULL CHECK ("type" IN ('public', 'password', 'private')),
      "password_hash" text,
      "owner" text COLLATE "C" NOT NULL,
      "icon" text,
      "description" text,
      "metadata" jsonb,
      "tags" text[] NOT NULL DEFAULT '{}',
      "members_count" integer NOT NULL DEFAULT 0 CHECK ("members_count" >= 0),
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      "updated_by" text,
      PRIMARY KEY ("app_id", "guid")
    )`);
    await q.query(
      `CREATE INDEX "groups_app_name_lower" ON "groups"."groups" ("app_id", lower("name") text_pattern_ops)`,
    );
    await q.query(
      `CREATE INDEX "groups_app_type_guid" ON "groups"."groups" ("app_id", "type", "guid")`,
    );
    await q.query(
      `CREATE INDEX "groups_app_updated" ON "groups"."groups" ("app_id", "updated_at", "guid")`,
    );
    await q.query(`CREATE INDEX "groups_tags" ON "groups"."groups" USING gin ("tags")`);

    // Members page by (app_id, guid, uid): the primary key. A user's groups: (app_id, uid, guid).
    await q.query(`CREATE TABLE "groups"."members" (
      "app_id" text NOT NULL,
      "guid" text COLLATE "C" NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "scope" text NOT NULL CHECK ("scope" IN ('admin', 'moderator', 'participant')),
      "joined_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "guid", "uid"),
      FOREIGN KEY ("app_id", "guid") REFERENCES "groups"."groups" ("app_id", "guid") ON DELETE CASCADE
    )`);
    await q.query(
      `CREATE INDEX "members_app_uid_guid" ON "groups"."members" ("app_id", "uid", "guid")`,
    );
    await q.query(
      `CREATE INDEX "members_app_guid_scope_uid" ON "groups"."members" ("app_id", "guid", "scope", "uid")`,
    );

    await q.query(`CREATE TABLE "groups"."bans" (
      "app_id" text NOT NULL,
      "guid" text COLLATE "C" NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "banned_by" text NOT NULL,
      "banned_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "guid", "uid"),
      FOREIGN KEY ("app_id", "guid") REFERENCES "groups"."groups" ("app_id", "guid") ON DELETE CASCADE
    )`);
    await q.query(outboxTableSql('groups'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "groups"."outbox"`);
    await q.query(`DROP TABLE "groups"."bans"`);
    await q.query(`DROP TABLE "groups"."members"`);
    await q.query(`DROP TABLE "groups"."groups"`);
  }
}
