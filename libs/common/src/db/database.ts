import { Client, Pool } from 'pg';
import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { rootLogger } from '../logging/logger';

/** Create the database named in `url` when it does not exist yet (idempotent, race-safe). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch((err: { code?: string }) => {
          if (err.code !== '42P04' && err.code !== '23505') throw err; // created concurrently
        });
    }
  } finally {
    await client.end();
  }
}

/** duplicate_prepared_statement and invalid_sql_statement_name: a named statement's session lost. */
const SESSION_STATEMENT_ERRORS = new Set(['42P05', '26000']);

/** The `pg` pool under a DataSource, for raw SQL where TypeORM's query runner costs more than the statement. */
export function pgPool(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}

/**
 * Rows of one statement on the pool. With `name`, it is prepared once per connection under that
 * name (parsed and planned once, not per call); the name must always go with the same text. Where
 * connections share a session (the one-process mode's embedded database, a pooler in transaction
 * mode), another connection's statement of that name may exist, or one this connection made may
 * be gone: both fail before the statement runs, which then runs unnamed.
 */
export async function poolQuery<R = Record<string, unknown>>(
  pool: Pool,
  text: string,
  values: unknown[],
  name?: string,
): Promise<R[]> {
  try {
    return await pooledRows<R>(pool, text, values, name);
  } catch (err) {
    if (!name || !SESSION_STATEMENT_ERRORS.has((err as { code?: string }).code ?? '')) throw err;
    return await pooledRows<R>(pool, text, values);
  }
}

/**
 * Errors after which the connection is fine (the server refused the statement and is ready for
 * the next): integrity constraint violations (class 23: a retried muid's insert) and a named
 * statement's session lost. `pool.query` closes the connection on any error, and opening one
 * costs more than the statement.
 */
const keepsConnection = (err: unknown): boolean => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('23') || SESSION_STATEMENT_ERRORS.has(code));
};

/** As `pool.query`, but a connection is given back after an error that leaves it fine. */
async function pooledRows<R>(
  pool: Pool,
  text: string,
  values: unknown[],
  name?: string,
): Promise<R[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: without one, the connection dropping
  // mid-statement would be an uncaught 'error' event.
  const onError = (err: Error) => {
    broken ??= err;
  };
  client.on('error', onError);
  try {
    return (await client.query({ text, values, name })).rows as R[];
  } catch (err) {
    if (!keepsConnection(err)) broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

export interface ServiceDatabaseOptions {
  /** The service's own schema; every table of the service lives in it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/**
 * Open the service's DataSource. With `runMigrations`, its pending migrations run first under an
 * advisory lock, so that replicas starting together migrate once. Without, the migrations are
 * some other process's job (the migrations Job): the service waits until none is pending, up to
 * `waitSeconds`, rather than run against an older schema. `synchronize` is never used.
 */
export async function openServiceDatabase(
  url: string,
  opts: ServiceDatabaseOptions,
  runMigrations: boolean,
  waitSeconds = 600,
): Promise<DataSource> {
  const log = rootLogger().child({ component: 'db', schema: opts.schema });
  await ensureDatabase(url);
  const ds = new DataSource({
    type: 'postgres',
    url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: opts.poolSize ?? 10, application_name: `parley-${opts.schema}` },
  } as DataSourceOptions);
  if (!runMigrations) {
    await ds.initialize();
    await waitForMigrations(ds, opts.schema, waitSeconds).catch(async (err) => {
      await ds.destroy();
      throw err;
    });
    return ds;
  }
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`parley:migrate:${opts.schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
    await ds.initialize();
    const ran = await ds.runMigrations();
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
    return ds;
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`parley:migrate:${opts.schema}`])
      .catch(() => undefined);
    await lock.end();
  }
}

/** Poll until every migration of the service is applied; throw after `waitSeconds`. */
async function waitForMigrations(ds: DataSource, schema: string, waitSeconds: number) {
  const log = rootLogger().child({ component: 'db', schema });
  const deadline = Date.now() + waitSeconds * 1000;
  for (let said = false; ; said = true) {
    // Until the first migration runs, the schema and its migrations table do not exist.
    const exists = await ds.query(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [
      `"${schema}"."migrations"`,
    ]);
    if (exists[0].exists && !(await ds.showMigrations())) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `migrations of schema ${schema} still pending after ${waitSeconds} s (MIGRATIONS_RUN=false: run the migrations Job)`,
      );
    }
    if (!said) log.info('waiting for the migrations Job to apply pending migrations');
    await new Promise((r) => setTimeout(r, 2000));
  }
}
