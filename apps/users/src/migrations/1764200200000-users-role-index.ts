import { MigrationInterface, QueryRunner } from 'typeorm';

/** Listing by role pages in uid order: (app_id, role, uid) serves both the filter and the order. */
export class UsersRoleIndex1764200200000 implements MigrationInterface {
  name = 'UsersRoleIndex1764200200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "users_app_role_uid" ON "users"."users" ("app_id", "role", "uid")`);
    await q.query(`DROP INDEX "users"."users_app_role"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "users_app_role" ON "users"."users" ("app_id", "role")`);
    await q.query(`DROP INDEX "users"."users_app_role_uid"`);
  }
}
