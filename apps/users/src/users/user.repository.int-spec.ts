import { INestApplicationContext } from '@nestjs/common';
import { explainPlan, PlanNode, startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource, In } from 'typeorm';
import { usersModule } from '../app.module';
import { UserEntity } from './user.entity';
import { UserListFilter, UserRepository } from './user.repository';

jest.setTimeout(60_000);

/**
 * Listing 10,000 users by searchKey prefix or by role reads an index, not the table: the plans of
 * the exact queries the repository runs, on real PostgreSQL with statistics.
 */
describe('user list query plans (10,000 users in one app)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let repo: UserRepository;
  const appId = uniqueAppId();
  const otherApp = uniqueAppId();

  beforeAll(async () => {
    ctx = await startServiceContext(usersModule({ http: false }));
    ds = ctx.get(DataSource);
    repo = ctx.get(UserRepository);
    for (const [app, n] of [
      [appId, 10_000],
      [otherApp, 5_000],
    ] as const) {
      await ds.query(
        `INSERT INTO "users"."users" ("app_id", "uid", "name", "role", "tags", "created_at", "updated_at")
         SELECT $1, 'user' || lpad(i::text, 5, '0'), 'Name ' || md5(i::text),
                CASE WHEN i % 50 = 0 THEN 'moderator' ELSE 'default' END,
                CASE WHEN i % 100 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END, now(), now()
         FROM generate_series(1, $2::int) i`,
        [app, n],
      );
    }
    await ds.query('ANALYZE "users"."users"');
  });

  afterAll(async () => {
    await ds?.query('DELETE FROM "users"."users" WHERE "app_id" = ANY($1::text[])', [
      [appId, otherApp],
    ]);
    await ctx?.close();
  });

  async function planOf(filter: Partial<UserListFilter>): Promise<PlanNode[]> {
    const qb = repo.listQuery(
      appId,
      { searchIn: ['uid', 'name'], deactivated: 'exclude', ...filter },
      { page: 1, perPage: 50 },
    );
    const [sql, params] = qb.getQueryAndParameters();
    return explainPlan(ds, sql, params);
  }

  const scansOfUsers = (plan: PlanNode[]) => plan.filter((n) => n['Relation Name'] === 'users');

  it('finds users by uid prefix through the primary key', async () => {
    const plan = await planOf({ searchKey: 'user012', searchIn: ['uid'] });
    expect(scansOfUsers(plan).map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(scansOfUsers(plan).map((n) => n['Index Name'])).toContain('users_pkey');
  });

  it('finds users by name prefix through the lower(name) index', async () => {
    const plan = await planOf({ searchKey: 'name 0a', searchIn: ['name'] });
    expect(scansOfUsers(plan).map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(plan.map((n) => n['Index Name'])).toContain('users_app_name_lower');
  });

  it('pages users of one role through the (app_id, role, uid) index', async () => {
    const plan = await planOf({ roles: ['moderator'] });
    expect(scansOfUsers(plan).map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(plan.map((n) => n['Index Name'])).toContain('users_app_role_uid');
  });

  it('returns the same rows the plan promises', async () => {
    const [rows, total] = await repo.list(
      appId,
      { searchKey: 'user0001', searchIn: ['uid', 'name'], deactivated: 'exclude' },
      { page: 1, perPage: 50 },
    );
    expect(total).toBe(10);
    expect(rows.map((r) => r.uid)).toEqual(Array.from({ length: 10 }, (_, i) => `user0001${i}`));
    const [mods, modTotal] = await repo.list(
      appId,
      { searchIn: ['uid', 'name'], roles: ['moderator'], deactivated: 'exclude' },
      { page: 2, perPage: 50 },
    );
    expect(modTotal).toBe(200);
    expect(mods).toHaveLength(50);
    expect(mods.every((u) => u.role === 'moderator')).toBe(true);
  });

  // Last: it changes rows the plans above read.
  it('reads the active users among some uids as whole rows, in uid order', async () => {
    const [a, b, off, gone] = ['user00001', 'user00002', 'user00003', 'user00004'];
    await ds.query(
      `UPDATE "users"."users" SET "avatar" = 'https://a/b.png', "link" = 'https://a',
         "status_message" = 'hi', "metadata" = '{"k":{"n":1}}', "last_active_at" = now()
       WHERE "app_id" = $1 AND "uid" = $2`,
      [appId, b],
    );
    await ds.query(
      `UPDATE "users"."users" SET "deactivated_at" = now() WHERE "app_id" = $1 AND "uid" = $2`,
      [appId, off],
    );
    await ds.query(
      `UPDATE "users"."users" SET "deleted_at" = now() WHERE "app_id" = $1 AND "uid" = $2`,
      [appId, gone],
    );
    const got = await repo.findActive(appId, [b, gone, off, a, 'nobody']);
    const want = await ds
      .getRepository(UserEntity)
      .find({ where: { appId, uid: In([a, b]) }, order: { uid: 'ASC' } });
    expect(got.map((u) => u.uid)).toEqual([a, b]);
    expect(got).toEqual(want);
    expect(got[1]).toMatchObject({ metadata: { k: { n: 1 } }, tags: [], statusMessage: 'hi' });
    expect(got[0].createdAt).toBeInstanceOf(Date);
    expect(await repo.findActive(appId, [])).toEqual([]);
  });
});
