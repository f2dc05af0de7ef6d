import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { poolQuery } from './database';

/** poolQuery against real Postgres, on a throwaway schema dropped afterwards. */
const SCHEMA = `poolquery_it_${randomBytes(4).toString('hex')}`;
let pool: Pool;

const backend = async () =>
  (await poolQuery<{ pid: number }>(pool, 'SELECT pg_backend_pid() AS pid', []))[0].pid;

beforeAll(async () => {
  // One connection: a statement after another runs on the same one unless it was closed.
  pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  await pool.query(`CREATE SCHEMA "${SCHEMA}"`);
  await pool.query(`CREATE TABLE "${SCHEMA}"."t" ("k" text PRIMARY KEY)`);
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA "${SCHEMA}" CASCADE`);
  await pool.end();
});

describe('poolQuery', () => {
  const insert = `INSERT INTO "${SCHEMA}"."t" ("k") VALUES ($1) RETURNING "k"`;

  it('keeps the connection after a constraint violation, named statement included', async () => {
    expect(await poolQuery(pool, insert, ['a'], 'poolquery_it_insert')).toEqual([{ k: 'a' }]);
    const pid = await backend();
    await expect(poolQuery(pool, insert, ['a'], 'poolquery_it_insert')).rejects.toMatchObject({
      code: '23505',
    });
    expect(await backend()).toBe(pid);
    expect(await poolQuery(pool, insert, ['b'], 'poolquery_it_insert')).toEqual([{ k: 'b' }]);
  });

  it('closes the connection after any other error', async () => {
    const pid = await backend();
    await expect(poolQuery(pool, 'SELECT 1 / $1::int AS x', [0])).rejects.toMatchObject({
      code: '22012',
    });
    expect(await backend()).not.toBe(pid);
  });
});
