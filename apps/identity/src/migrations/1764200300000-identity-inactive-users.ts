import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users the users service has deactivated: their tokens are refused until they are reactivated. */
export class IdentityInactiveUsers1764200300000 implements MigrationInterface {
  name = 'IdentityInactiveUsers1764200300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identity"."inactive_users" (
      "app_id" text NOT NULL REFERENCES "identity"."apps"("app_id") ON DELETE CASCADE,
      "uid" text NOT NULL,
      PRIMARY KEY ("app_id", "uid")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "identity"."inactive_users"`);
  }
}
