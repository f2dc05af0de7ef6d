import { outboxTableSql } from '@parley/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhooksInitial1764540000000 implements MigrationInterface {
  name = 'WebhooksInitial1764540000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per endpoint. The row is also the scheduling lock: a worker claims an endpoint's
    // due deliveries while holding it (FOR UPDATE SKIP LOCKED), so per-endpoint concurrency holds
    // across replicas. `last_claimed_at` rotates workers over endpoints.
    await q.query(`CREATE TABLE "webhooks"."endpoints" (
      "app_id" text NOT NULL,
      "id" text COLLATE "C" NOT NULL,
      "name" text NOT NULL,
      "url" text NOT NULL,
      "triggers" text[] NOT NULL DEFAULT '{}',
      "use_basic_auth" boolean NOT NULL DEFAULT false,
      "username" text,
      "password" text,
      "signing_secret" text NOT NULL,
      "enabled" boolean NOT NULL DEFAULT true,
      "last_claimed_at" timestamptz,
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      PRIMARY KEY ("app_id", "id")
    )`);

    // One row per (event, endpoint): the unique key makes a redelivered event write nothing new,
    // and `id` is the delivery id receivers deduplicate by. `next_attempt_at` is the retry
    // schedule and `locked_until` the lease of the attempt in flight, both in Postgres, so a
    // restarted (or killed) process's work is picked up where it stood.
    await q.query(`CREATE TABLE "webhooks"."deliveries" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "app_id" text NOT NULL,
      "endpoint_id" text COLLATE "C" NOT NULL,
      "event_id" text NOT NULL,
      "trigger" text NOT NULL,
      "body" text NOT NULL,
      "status" text NOT NULL CHECK ("status" IN ('pending', 'succeeded', 'failed')),
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" timestamptz NOT NULL,
      "locked_until" timestamptz,
      "claim_token" uuid,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "delivered_at" timestamptz,
      FOREIGN KEY ("app_id", "endpoint_id") REFERENCES "webhooks"."endpoints" ("app_id", "id")
        ON DELETE CASCADE,
      UNIQUE ("app_id", "endpoint_id", "event_id")
    )`);
    // What the workers scan: an endpoint's pending deliveries by due time.
    await q.query(
      `CREATE INDEX "deliveries_due" ON "webhooks"."deliveries" ("app_id", "endpoint_id", "next_attempt_at") WHERE "status" = 'pending'`,
    );
    // Attempts in flight (a lease is cleared when its attempt's outcome is recorded): what the
    // per-endpoint concurrency limit counts.
    await q.query(
      `CREATE INDEX "deliveries_leased" ON "webhooks"."deliveries" ("app_id", "endpoint_id", "locked_until") WHERE "locked_until" IS NOT NULL`,
    );
    // The delivery log: an endpoint's deliveries, newest first.
    await q.query(
      `CREATE INDEX "deliveries_log" ON "webhooks"."deliveries" ("app_id", "endpoint_id", "created_at" DESC, "id")`,
    );

    // What the log pruning scans: finished deliveries by age.
    await q.query(
      `CREATE INDEX "deliveries_finished" ON "webhooks"."deliveries" ("updated_at") WHERE "status" <> 'pending'`,
    );

    await q.query(`CREATE TABLE "webhooks"."delivery_attempts" (
      "id" bigserial PRIMARY KEY,
      "delivery_id" uuid NOT NULL REFERENCES "webhooks"."deliveries" ("id") ON DELETE CASCADE,
      "attempt" integer NOT NULL,
      "attempted_at" timestamptz NOT NULL,
      "duration_ms" integer NOT NULL,
      "status_code" integer,
      "error" text
    )`);
    await q.query(
      `CREATE INDEX "delivery_attempts_delivery" ON "webhooks"."delivery_attempts" ("delivery_id", "id")`,
    );

    // Webhooks publishes no events; the platform's outbox relay still reads this table.
    await q.query(outboxTableSql('webhooks'));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'delivery_attempts', 'deliveries', 'endpoints']) {
      await q.query(`DROP TABLE "webhooks"."${table}"`);
    }
  }
}
