import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersRelationships1764200100000 implements MigrationInterface {
  name = 'UsersRelationships1764200100000';

  async up(q: QueryRunner): Promise<void> {
    // A friendship is stored as two rows, one per direction, so "friends of X" is a range of the
    // primary key. Both uids reference the user: a permanent delete takes the user's friendships
    // with it (a soft delete keeps the rows; lists leave such users out). uids are collated "C"
    // like users.uid, so prefix LIKE on friend_uid can use the key.
    await q.query(`CREATE TABLE "users"."friendships" (
      "app_id" text NOT NULL,
      "uid" text COLLATE "C" NOT NULL,
      "friend_uid" text COLLATE "C" NOT NULL,
      "created_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "uid", "friend_uid"),
      CONSTRAINT "friendships_not_self" CHECK ("uid" <> "friend_uid"),
      CONSTRAINT "friendships_uid_fk" FOREIGN KEY ("app_id", "uid")
        REFERENCES "users"."users" ("app_id", "uid") ON DELETE CASCADE,
      CONSTRAINT "friendships_friend_uid_fk" FOREIGN KEY ("app_id", "friend_uid")
        REFERENCES "users"."users" ("app_id", "uid") ON DELETE CASCADE
    )`);
    // Serves the cascade of the friend_uid key (without it, deleting a user scans the table).
    await q.query(
      `CREATE INDEX "friendships_app_friend" ON "users"."friendships" ("app_id", "friend_uid")`,
    );

    // One row per block. The primary key answers "whom X blocked", the reverse index "who blocked X"
    // (and serves the cascade of the blocked key).
    await q.query(`CREATE TABLE "users"."blocks" (
      "app_id" text NOT NULL,
      "blocker" text COLLATE "C" NOT NULL,
      "blocked" text COLLATE "C" NOT NULL,
      "created_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "blocker", "blocked"),
      CONSTRAINT "blocks_not_self" CHECK ("blocker" <> "blocked"),
      CONSTRAINT "blocks_blocker_fk" FOREIGN KEY ("app_id", "blocker")
        REFERENCES "users"."users" ("app_id", "uid") ON DELETE CASCADE,
      CONSTRAINT "blocks_blocked_fk" FOREIGN KEY ("app_id", "blocked")
        REFERENCES "users"."users" ("app_id", "uid") ON DELETE CASCADE
    )`);
    await q.query(
      `CREATE INDEX "blocks_app_blocked_blocker" ON "users"."blocks" ("app_id", "blocked", "blocker")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "users"."blocks"`);
    await q.query(`DROP TABLE "users"."friendships"`);
  }
}
