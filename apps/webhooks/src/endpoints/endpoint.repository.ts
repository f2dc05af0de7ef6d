import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { EndpointEntity } from './endpoint.entity';

interface EndpointRow {
  app_id: string;
  id: string;
  name: string;
  url: string;
  triggers: string[];
  use_basic_auth: boolean;
  username: string | null;
  password: string | null;
  signing_secret: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `"app_id", "id", "name", "url", "triggers", "use_basic_auth", "username",
  "password", "signing_secret", "enabled", "created_at", "updated_at"`;

function fromRow(r: EndpointRow): EndpointEntity {
  return {
    appId: r.app_id,
    id: r.id,
    name: r.name,
    url: r.url,
    triggers: r.triggers,
    useBasicAuth: r.use_basic_auth,
    username: r.username,
    password: r.password,
    signingSecret: r.signing_secret,
    enabled: r.enabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

@Injectable()
export class EndpointRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inserts unless (app, id) exists; false when it exists. */
  async insert(e: EndpointEntity, tx: EntityManager = this.ds.manager): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO "webhooks"."endpoints" (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [
        e.appId,
        e.id,
        e.name,
        e.url,
        e.triggers,
        e.useBasicAuth,
        e.username,
        e.password,
        e.signingSecret,
        e.enabled,
        e.createdAt,
        e.updatedAt,
      ],
    );
    return rows.length === 1;
  }

  /** How many endpoints the app has, holding a lock that serialises the app's creates. */
  async countForCreate(tx: EntityManager, appId: string): Promise<number> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`parley:webhooks:${appId}`]);
    const [row] = (await tx.query(
      `SELECT count(*)::int AS "n" FROM "webhooks"."endpoints" WHERE "app_id" = $1`,
      [appId],
    )) as Array<{ n: number }>;
    return row.n;
  }

  async find(appId: string, id: string, tx: EntityManager = this.ds.manager) {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM "webhooks"."endpoints" WHERE "app_id" = $1 AND "id" = $2`,
      [appId, id],
    )) as EndpointRow[];
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Like `find`, locking the row until the transaction ends. */
  async findForUpdate(tx: EntityManager, appId: string, id: string) {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM "webhooks"."endpoints" WHERE "app_id" = $1 AND "id" = $2 FOR UPDATE`,
      [appId, id],
    )) as EndpointRow[];
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async list(appId: string, page: PageQuery): Promise<[EndpointEntity[], number]> {
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS "total" FROM "webhooks"."endpoints"
       WHERE "app_id" = $1 ORDER BY "id" LIMIT $2 OFFSET $3`,
      [appId, page.perPage, (page.page - 1) * page.perPage],
    )) as Array<EndpointRow & { total: number }>;
    const total = rows[0]?.total ?? (await this.count(appId));
    return [rows.map(fromRow), total];
  }

  private async count(appId: string): Promise<number> {
    const [row] = (await this.ds.query(
      `SELECT count(*)::int AS "n" FROM "webhooks"."endpoints" WHERE "app_id" = $1`,
      [appId],
    )) as Array<{ n: number }>;
    return row.n;
  }

  async update(tx: EntityManager, e: EndpointEntity): Promise<void> {
    await tx.query(
      `UPDATE "webhooks"."endpoints" SET "name" = $3, "url" = $4, "triggers" = $5,
         "use_basic_auth" = $6, "username" = $7, "password" = $8, "enabled" = $9, "updated_at" = $10
       WHERE "app_id" = $1 AND "id" = $2`,
      [
        e.appId,
        e.id,
        e.name,
        e.url,
        e.triggers,
        e.useBasicAuth,
        e.username,
        e.password,
        e.enabled,
        e.updatedAt,
      ],
    );
  }

  /** Deletes the endpoint with its deliveries; false when there was none. */
  async delete(appId: string, id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, deleted] = (await this.ds.query(
      `DELETE FROM "webhooks"."endpoints" WHERE "app_id" = $1 AND "id" = $2`,
      [appId, id],
    )) as [unknown[], number];
    return deleted === 1;
  }

  /** Every endpoint of the app with its deliveries (the app was deleted). */
  async deleteApp(appId: string): Promise<void> {
    await this.ds.query(`DELETE FROM "webhooks"."endpoints" WHERE "app_id" = $1`, [appId]);
  }

  /** The triggers the enabled endpoints of each of `appIds` subscribe to (apps with none absent). */
  async subscribedTriggers(appIds: string[]): Promise<Map<string, string[]>> {
    const rows = (await this.ds.query(
      `SELECT e."app_id", array_agg(DISTINCT t."trigger") AS "triggers"
       FROM "webhooks"."endpoints" e, unnest(e."triggers") AS t("trigger")
       WHERE e."app_id" = ANY ($1::text[]) AND e."enabled"
       GROUP BY e."app_id"`,
      [appIds],
    )) as Array<{ app_id: string; triggers: string[] }>;
    return new Map(rows.map((r) => [r.app_id, r.triggers]));
  }

  /**
   * Ids of the app's enabled endpoints subscribed to `trigger` that existed when the event
   * happened (`occurredAt`, Unix seconds): an endpoint does not receive what came before it.
   */
  async subscribedTo(appId: string, trigger: string, occurredAt: number): Promise<string[]> {
    const rows = (await this.ds.query(
      `SELECT "id" FROM "webhooks"."endpoints"
       WHERE "app_id" = $1 AND "enabled" AND $2 = ANY ("triggers")
         AND "created_at" < to_timestamp($3 + 1)`,
      [appId, trigger, occurredAt],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }
}
