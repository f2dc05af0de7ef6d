import { outboxTableSql } from '@parley/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityInitial1764115200000 implements MigrationInterface {
  name = 'IdentityInitial1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identity"."apps" (
      "app_id" text PRIMARY KEY,
      "name" text NOT NULL,
      "limits" jsonb NOT NULL DEFAULT '{}',
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE "identity"."api_keys" (
      "key_hash" text PRIMARY KEY,
      "app_id" text NOT NULL REFERENCES "identity"."apps"("app_id") ON DELETE CASCADE,
      "masked" text NOT NULL,
      "name" text NOT NULL,
      "scope" text NOT NULL CHECK ("scope" IN ('fullAccess', 'authOnly')),
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL
    )`);
    await q.query(
      `CREATE INDEX "api_keys_app_created" ON "identity"."api_keys" ("app_id", "created_at")`,
    );
    await q.query(`CREATE TABLE "identity"."auth_tokens" (
      "token_hash" text PRIMARY KEY,
      "app_id" text NOT NULL REFERENCES "identity"."apps"("app_id") ON DELETE CASCADE,
      "uid" text NOT NULL,
      "masked" text NOT NULL,
      "platform" text,
      "user_agent" text,
      "app_info" jsonb,
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL
    )`);
    await q.query(
      `CREATE INDEX "auth_tokens_app_uid_created" ON "identity"."auth_tokens" ("app_id", "uid", "created_at")`,
    );
    await q.query(outboxTableSql('identity'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "identity"."outbox"`);
    await q.query(`DROP TABLE "identity"."auth_tokens"`);
    await q.query(`DROP TABLE "identity"."api_keys"`);
    await q.query(`DROP TABLE "identity"."apps"`);
  }
}
