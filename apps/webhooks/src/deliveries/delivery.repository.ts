import { Injectable } from '@nestjs/common';
import { DeliveryStatus, PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { AttemptOutcome, ClaimedDelivery, DeliveryRecord } from './delivery.entity';

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  trigger: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
  attempt_log: Array<{
    attempt: number;
    attempted_at: string;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
  }>;
}

const RECORD_SELECT = `SELECT d."id", d."endpoint_id", d."trigger", d."event_id", d."status",
    d."attempts", d."next_attempt_at", d."created_at", d."updated_at", d."delivered_at",
    (SELECT coalesce(json_agg(a ORDER BY a."id" DESC), '[]') FROM (
       SELECT "id", "attempt", "attempted_at", "duration_ms", "status_code", "error"
       FROM "webhooks"."delivery_attempts" WHERE "delivery_id" = d."id"
       ORDER BY "id" DESC LIMIT 10) a) AS "attempt_log"`;

function toRecord(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    trigger: r.trigger,
    eventId: r.event_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
    attemptLog: r.attempt_log.map((a) => ({
      attempt: a.attempt,
      attemptedAt: new Date(a.attempted_at),
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
    })),
  };
}

/** The claim a worker makes in one pass (see `claim`). */
export interface ClaimRequest {
  /** Deliveries to claim at most (the worker's free slots). */
  limit: number;
  /** Endpoints looked at per pass. */
  endpoints: number;
  /** Attempts in flight per endpoint, across every replica. */
  perEndpoint: number;
  /** How long a claim holds before another worker may take the delivery again. */
  leaseMs: number;
  /** Only this app's deliveries (tests that share a database with a running platform). */
  appId?: string;
}

@Injectable()
export class DeliveryRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * One pending delivery per endpoint for an event; an event seen before (JetStream redelivers
   * until acked) writes nothing new. Due at once.
   */
  async insertForEvent(
    appId: string,
    eventId: string,
    trigger: string,
    bodies: Array<{ endpointId: string; body: string }>,
  ): Promise<void> {
    if (!bodies.length) return;
    await this.ds.query(
      `INSERT INTO "webhooks"."deliveries"
         ("app_id", "endpoint_id", "event_id", "trigger", "body", "status", "next_attempt_at")
       SELECT $1, b."endpoint_id", $2, $3, b."body", 'pending', now()
       FROM unnest($4::text[], $5::text[]) AS b("endpoint_id", "body")
       ON CONFLICT ("app_id", "endpoint_id", "event_id") DO NOTHING`,
      [appId, eventId, trigger, bodies.map((b) => b.endpointId), bodies.map((b) => b.body)],
    );
  }

  /**
   * Claims due deliveries for one attempt each. Endpoints are taken with FOR UPDATE SKIP LOCKED,
   * least recently served first, so two workers never schedule one endpoint at once and the
   * per-endpoint limit (leases not yet expired) holds across replicas; a slow endpoint holds only
   * its own slots. A claim is a lease: if the worker dies, the delivery is due again when it ends.
   */
  async claim(req: ClaimRequest): Promise<ClaimedDelivery[]> {
    return this.ds.transaction(async (tx) => {
      const endpoints = (await tx.query(
        `SELECT e."app_id", e."id" FROM "webhooks"."endpoints" e
         WHERE e."enabled" AND ($2::text IS NULL OR e."app_id" = $2)
           -- Endpoints at their limit are left out, so they never crowd out the others.
           AND (SELECT count(*) FROM "webhooks"."deliveries" l
                WHERE l."app_id" = e."app_id" AND l."endpoint_id" = e."id"
                  AND l."locked_until" IS NOT NULL AND l."locked_until" > now()) < $3
           AND EXISTS (
             SELECT 1 FROM "webhooks"."deliveries" d
             WHERE d."app_id" = e."app_id" AND d."endpoint_id" = e."id" AND d."status" = 'pending'
               AND d."next_attempt_at" <= now()
               AND (d."locked_until" IS NULL OR d."locked_until" <= now()))
         ORDER BY e."last_claimed_at" NULLS FIRST
         LIMIT $1
         FOR UPDATE OF e SKIP LOCKED`,
        [req.endpoints, req.appId ?? null, req.perEndpoint],
      )) as Array<{ app_id: string; id: string }>;
      if (!endpoints.length) return [];
      const appIds = endpoints.map((e) => e.app_id);
      const ids = endpoints.map((e) => e.id);
      await tx.query(
        `UPDATE "webhooks"."endpoints" e SET "last_claimed_at" = now()
         FROM unnest($1::text[], $2::text[]) AS ep("app_id", "id")
         WHERE e."app_id" = ep."app_id" AND e."id" = ep."id"`,
        [appIds, ids],
      );
      const [rows] = (await tx.query(
        `WITH picked AS (
           SELECT x."id" FROM unnest($1::text[], $2::text[]) AS ep("app_id", "id")
           CROSS JOIN LATERAL (
             SELECT count(*)::int AS "n" FROM "webhooks"."deliveries" l
             WHERE l."app_id" = ep."app_id" AND l."endpoint_id" = ep."id"
               AND l."locked_until" IS NOT NULL AND l."locked_until" > now()) busy
           CROSS JOIN LATERAL (
             SELECT d."id", d."next_attempt_at" FROM "webhooks"."deliveries" d
             WHERE d."app_id" = ep."app_id" AND d."endpoint_id" = ep."id" AND d."status" = 'pending'
               AND d."next_attempt_at" <= now()
               AND (d."locked_until" IS NULL OR d."locked_until" <= now())
             ORDER BY d."next_attempt_at"
             LIMIT greatest($3 - busy."n", 0)) x
           ORDER BY x."next_attempt_at"
           LIMIT $4)
         UPDATE "webhooks"."deliveries" d
         SET "attempts" = d."attempts" + 1, "claim_token" = gen_random_uuid(),
             "locked_until" = now() + $5 * interval '1 millisecond', "updated_at" = now()
         FROM picked, "webhooks"."endpoints" e
         WHERE d."id" = picked."id" AND e."app_id" = d."app_id" AND e."id" = d."endpoint_id"
         RETURNING d."id", d."app_id", d."endpoint_id", d."trigger", d."body", d."attempts",
           d."claim_token", e."url", e."signing_secret", e."use_basic_auth", e."username",
           e."password"`,
        [appIds, ids, req.perEndpoint, req.limit, req.leaseMs],
      )) as [
        Array<{
          id: string;
          app_id: string;
          endpoint_id: string;
          trigger: string;
          body: string;
          attempts: number;
          claim_token: string;
          url: string;
          signing_secret: string;
          use_basic_auth: boolean;
          username: string | null;
          password: string | null;
        }>,
        number,
      ];
      return rows.map((r) => ({
        id: r.id,
        appId: r.app_id,
        endpointId: r.endpoint_id,
        trigger: r.trigger,
        body: r.body,
        attempt: r.attempts,
        claimToken: r.claim_token,
        url: r.url,
        signingSecret: r.signing_secret,
        basicAuth:
          r.use_basic_auth && r.username && r.password
            ? { username: r.username, password: r.password }
            : null,
      }));
    });
  }

  /**
   * Records an attempt and the delivery's next state: `succeeded`, `failed` (dead letter) or
   * `pending` again after `retryInMs`. The state changes only while the claim is still this
   * worker's (its lease did not run out and pass to another); the attempt is logged regardless.
   */
  async recordAttempt(
    d: ClaimedDelivery,
    outcome: AttemptOutcome,
    next: { status: DeliveryStatus; retryInMs?: number },
  ): Promise<void> {
    await this.ds.query(
      `WITH changed AS (
         UPDATE "webhooks"."deliveries" SET
           "status" = $3,
           "next_attempt_at" = CASE WHEN $3 = 'pending'
             THEN now() + $4 * interval '1 millisecond' ELSE "next_attempt_at" END,
           "delivered_at" = CASE WHEN $3 = 'succeeded' THEN now() ELSE "delivered_at" END,
           "locked_until" = NULL, "claim_token" = NULL, "updated_at" = now()
         WHERE "id" = $1 AND "claim_token" = $2
         RETURNING 1)
       INSERT INTO "webhooks"."delivery_attempts"
         ("delivery_id", "attempt", "attempted_at", "duration_ms", "status_code", "error")
       SELECT $1, $5, $6, $7, $8, $9
       WHERE EXISTS (SELECT 1 FROM "webhooks"."deliveries" WHERE "id" = $1)`,
      [
        d.id,
        d.claimToken,
        next.status,
        next.retryInMs ?? 0,
        d.attempt,
        outcome.attemptedAt,
        outcome.durationMs,
        outcome.statusCode ?? null,
        outcome.error ?? null,
      ],
    );
  }

  /** An endpoint's deliveries, newest first, each with its latest attempts. */
  async list(
    appId: string,
    endpointId: string,
    status: DeliveryStatus | undefined,
    page: PageQuery,
  ): Promise<[DeliveryRecord[], number]> {
    const rows = (await this.ds.query(
      `${RECORD_SELECT}, count(*) OVER ()::int AS "total"
       FROM "webhooks"."deliveries" d
       WHERE d."app_id" = $1 AND d."endpoint_id" = $2 AND ($3::text IS NULL OR d."status" = $3)
       ORDER BY d."created_at" DESC, d."id"
       LIMIT $4 OFFSET $5`,
      [appId, endpointId, status ?? null, page.perPage, (page.page - 1) * page.perPage],
    )) as Array<DeliveryRow & { total: number }>;
    const total =
      rows[0]?.total ??
      (
        (await this.ds.query(
          `SELECT count(*)::int AS "n" FROM "webhooks"."deliveries"
           WHERE "app_id" = $1 AND "endpoint_id" = $2 AND ($3::text IS NULL OR "status" = $3)`,
          [appId, endpointId, status ?? null],
        )) as Array<{ n: number }>
      )[0].n;
    return [rows.map(toRecord), total];
  }

  async find(
    appId: string,
    endpointId: string,
    id: string,
    db: Pick<EntityManager, 'query'> = this.ds,
  ): Promise<DeliveryRecord | null> {
    const rows = (await db.query(
      `${RECORD_SELECT} FROM "webhooks"."deliveries" d
       WHERE d."app_id" = $1 AND d."endpoint_id" = $2 AND d."id" = $3`,
      [appId, endpointId, id],
    )) as DeliveryRow[];
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * A finished delivery (succeeded or failed) becomes pending again, due now, with a fresh
   * attempt budget and the same id and body; returned as it then is (read in the same
   * transaction, so no attempt a worker makes right after shows). Null when it is not finished or
   * does not exist.
   */
  redeliver(appId: string, endpointId: string, id: string): Promise<DeliveryRecord | null> {
    return this.ds.transaction(async (tx) => {
      const [, changed] = (await tx.query(
        `UPDATE "webhooks"."deliveries" SET "status" = 'pending', "attempts" = 0,
           "next_attempt_at" = now(), "locked_until" = NULL, "claim_token" = NULL, "updated_at" = now()
         WHERE "app_id" = $1 AND "endpoint_id" = $2 AND "id" = $3 AND "status" <> 'pending'`,
        [appId, endpointId, id],
      )) as [unknown[], number];
      return changed === 1 ? this.find(appId, endpointId, id, tx) : null;
    });
  }

  /**
   * Deletes up to `limit` finished deliveries (with their attempts) last changed before
   * `olderThanDays` days ago; returns how many.
   */
  async pruneFinished(olderThanDays: number, limit: number): Promise<number> {
    const [, deleted] = (await this.ds.query(
      `DELETE FROM "webhooks"."deliveries" WHERE "id" IN (
         SELECT "id" FROM "webhooks"."deliveries"
         WHERE "status" <> 'pending' AND "updated_at" < now() - $1 * interval '1 day'
         LIMIT $2)`,
      [olderThanDays, limit],
    )) as [unknown[], number];
    return deleted;
  }

  /** Pending deliveries whose attempt is due (the queue depth, for /metrics). */
  async dueCount(): Promise<number> {
    const [row] = (await this.ds.query(
      `SELECT count(*)::int AS "n" FROM "webhooks"."deliveries"
       WHERE "status" = 'pending' AND "next_attempt_at" <= now()`,
    )) as Array<{ n: number }>;
    return row.n;
  }
}
