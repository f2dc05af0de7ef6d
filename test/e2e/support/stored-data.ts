import { Redis } from 'ioredis';
import { Client } from 'pg';

/**
 * What the platform stores of one app, read straight from PostgreSQL and Redis: the proof that an
 * erasure left nothing behind cannot come through the API that no longer knows the app.
 */

export const databaseUrl = () =>
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_test';
export const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Tables that hold an app's data without an `app_id` column, and how to find that data. A new
 * table with neither an `app_id` column nor an entry here fails `rowsOfApp`, so it cannot escape
 * the erasure tests unseen.
 */
const LINKED: Record<string, (appId: string, linked: LinkedIds) => [string, unknown[]]> = {
  // Each service's outbox holds events on their way to the broker; an event names its app in its
  // subject (evt.<service>.<appId>.…).
  outbox: (appId) => [
    `SELECT count(*)::int AS n FROM %s WHERE "subject" LIKE $1`,
    [`%.${appId}.%`],
  ],
  // Migrations hold no app data.
  migrations: () => [`SELECT 0 AS n`, []],
  // Attempts belong to deliveries, which carry the app.
  delivery_attempts: (_appId, linked) => [
    `SELECT count(*)::int AS n FROM %s WHERE "delivery_id" = ANY($1::uuid[])`,
    [linked.deliveryIds],
  ],
};

/** Ids read before an erasure, to find the rows that link to them after it. */
export interface LinkedIds {
  deliveryIds: string[];
}

/** The ids of rows of `appId` that tables without `app_id` point to. */
export async function linkedIdsOf(db: Client, appId: string): Promise<LinkedIds> {
  const deliveries = await db.query<{ id: string }>(
    `SELECT "id" FROM "webhooks"."deliveries" WHERE "app_id" = $1`,
    [appId],
  );
  return { deliveryIds: deliveries.rows.map((r) => r.id) };
}

/**
 * Rows of `appId` in every table of every Parley schema (a schema with a `migrations` table),
 * keyed `schema.table`, only the tables that hold any.
 */
export async function rowsOfApp(
  db: Client,
  appId: string,
  linked: LinkedIds,
): Promise<Record<string, number>> {
  const tables = await db.query<{ schema: string; name: string; has_app_id: boolean }>(
    `SELECT t.table_schema AS schema, t.table_name AS name,
       EXISTS (SELECT 1 FROM information_schema.columns c
               WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                 AND c.column_name = 'app_id') AS has_app_id
     FROM information_schema.tables t
     WHERE t.table_type = 'BASE TABLE'
       AND t.table_schema IN (SELECT table_schema FROM information_schema.tables
                              WHERE table_name = 'migrations' AND table_schema <> 'public')
     ORDER BY 1, 2`,
  );
  const counts: Record<string, number> = {};
  for (const t of tables.rows) {
    const table = `"${t.schema}"."${t.name}"`;
    let sql: string;
    let params: unknown[];
    if (t.has_app_id) {
      [sql, params] = [`SELECT count(*)::int AS n FROM %s WHERE "app_id" = $1`, [appId]];
    } else {
      const linkedQuery = LINKED[t.name];
      if (!linkedQuery)
        throw new Error(`${t.schema}.${t.name} has no app_id column and no link to an app`);
      [sql, params] = linkedQuery(appId, linked);
    }
    const { rows } = await db.query<{ n: number }>(sql.replace('%s', table), params);
    if (rows[0].n > 0) counts[`${t.schema}.${t.name}`] = rows[0].n;
  }
  return counts;
}

/**
 * Redis keys naming `appId`, and members naming it in this platform's shared presence sets (each
 * gateway's sockets, the ringing calls), as `key` or `key -> member`.
 */
export async function redisEntriesOfApp(
  redis: Redis,
  appId: string,
  presencePrefix: string,
): Promise<string[]> {
  const found: string[] = [];
  const scanKeys = async (pattern: string) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, page] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...page);
    } while (cursor !== '0');
    return keys;
  };
  found.push(...(await scanKeys(`*${appId}*`)));
  for (const key of await scanKeys(`${presencePrefix}:gw:*`)) {
    for (const m of await redis.smembers(key))
      if (m.startsWith(`${appId}|`)) found.push(`${key} -> ${m}`);
  }
  for (const m of await redis.zrange(`${presencePrefix}:ringing`, 0, -1))
    if (m.startsWith(`${appId}|`)) found.push(`${presencePrefix}:ringing -> ${m}`);
  return found.sort();
}
