import { Client } from 'pg';
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
 * Open the service's DataSource and run its pending migrations under an advisory lock, so that
 * replicas starting together migrate once. `synchronize` is never used.
 */
export async function openServiceDatabase(
  url: string,
  opts: ServiceDatabaseOptions,
  runMigrations: boolean,
): Promise<DataSource> {
  const log = rootLogger().child({ component: 'db', schema: opts.schema });
  await ensureDatabase(url);
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`parley:migrate:${opts.schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
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
    await ds.initialize();
    if (runMigrations) {
      const ran = await ds.runMigrations();
      if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
    }
    return ds;
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`parley:migrate:${opts.schema}`])
      .catch(() => undefined);
    await lock.end();
  }
}
