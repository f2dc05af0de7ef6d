import { INestApplicationContext } from '@nestjs/common';
import { explainPlan, PlanNode, startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { groupsModule } from '../app.module';
import { GroupListFilter, GroupRepository } from './group.repository';

jest.setTimeout(120_000);

const GROUPS = 20_000;
/** `heavy` belongs to every 10th group: 2,000 groups, the most a user may join (reference §6.1). */
const HEAVY_GROUPS = GROUPS / 10;
/**
 * The table is shared by every app: a neighbour with ten times as many groups. (In a table holding
 * one small app only, reading all of it for a count is cheaper than 2,000 index probes, and the
 * planner rightly does that.)
 */
const NEIGHBOUR_GROUPS = 200_000;

/**
 * Listing the groups of a user who belongs to 2,000 groups (GET /groups?hasJoined=true) reads
 * indexes, not tables: the plans of the exact queries the repository runs (the page and its count),
 * on real PostgreSQL with statistics, among 20,000 groups of the app with 60,000 memberships of
 * other users, and a neighbour app's rows.
 */
describe('group list query plans (a user in 2,000 of 20,000 groups)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let repo: GroupRepository;
  const appId = uniqueAppId();
  const otherApp = uniqueAppId();

  beforeAll(async () => {
    ctx = await startServiceContext(groupsModule({ http: false }));
    ds = ctx.get(DataSource);
    repo = ctx.get(GroupRepository);
    for (const [app, groups] of [
      [appId, GROUPS],
      [otherApp, NEIGHBOUR_GROUPS],
    ] as const) {
      // Every 7th group is private; updated_at spreads over 20,000 seconds.
      await ds.query(
        `INSERT INTO "groups"."groups" ("app_id", "guid", "name", "type", "owner", "tags",
           "members_count", "created_at", "updated_at")
         SELECT $1, 'group' || lpad(i::text, 6, '0'), 'Name ' || md5(i::text),
                CASE WHEN i % 7 = 0 THEN 'private' ELSE 'public' END, 'app_system',
                CASE WHEN i % 100 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END, 0,
                now(), now() - make_interval(secs => i)
         FROM generate_series(1, $2::int) i`,
        [app, groups],
      );
      await ds.query(
        `INSERT INTO "groups"."members" ("app_id", "guid", "uid", "scope", "joined_at")
         SELECT $1, 'group' || lpad(i::text, 6, '0'), 'heavy', 'participant', now()
         FROM generate_series(10, $2::int, 10) i`,
        [app, GROUPS],
      );
      // 600 other users in 100 groups each.
      await ds.query(
        `INSERT INTO "groups"."members" ("app_id", "guid", "uid", "scope", "joined_at")
         SELECT $1, 'group' || lpad((1 + (u * 37 + k * 197) % $2::int)::text, 6, '0'),
                'user' || u, 'participant', now()
         FROM generate_series(1, 600) u, generate_series(1, 100) k
         ON CONFLICT DO NOTHING`,
        [app, GROUPS],
      );
    }
    await ds.query('ANALYZE "groups"."groups"');
    await ds.query('ANALYZE "groups"."members"');
  });

  afterAll(async () => {
    // Members and bans go with their groups (ON DELETE CASCADE).
    await ds?.query('DELETE FROM "groups"."groups" WHERE "app_id" = ANY($1::text[])', [
      [appId, otherApp],
    ]);
    await ctx?.close();
  });

  async function planOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<PlanNode[]> {
    const [sql, params] = qb.getQueryAndParameters();
    return explainPlan(ds, sql, params);
  }

  const heavyFilter = (over: Partial<GroupListFilter> = {}): GroupListFilter => ({
    searchIn: ['guid', 'name'],
    viewer: 'heavy',
    joinedBy: 'heavy',
    order: { by: 'guid', dir: 'ASC' },
    ...over,
  });
  const scans = (plan: PlanNode[], table: string) =>
    plan.filter((n) => n['Relation Name'] === table);
  const nodeTypes = (plan: PlanNode[]) => plan.map((n) => n['Node Type']);
  const seqScanned = (plan: PlanNode[]) =>
    plan.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
  /** Index names are unique per schema, so they say which table was read too (bitmap scans name no table). */
  const indexes = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);

  it.each([
    ['the first page', 1],
    ['a middle page', 20],
    ['the last page', 40],
  ])("pages the user's groups through the (app_id, uid, guid) index: %s", async (_, page) => {
    const plan = await planOf(repo.listQuery(appId, heavyFilter(), { page, perPage: 50 }));
    expect(nodeTypes(plan)).not.toContain('Seq Scan');
    expect(scans(plan, 'members').length).toBeGreaterThan(0);
    expect(indexes(plan)).toContain('members_app_uid_guid');
    expect(indexes(plan)).toContain('groups_pkey');
  });

  it("counts the user's groups through the same indexes", async () => {
    const plan = await planOf(repo.countQuery(appId, heavyFilter()));
    expect(nodeTypes(plan)).not.toContain('Seq Scan');
    expect(indexes(plan)).toContain('members_app_uid_guid');
    expect(indexes(plan)).toContain('groups_pkey');
  });

  it("reads the user's groups by name order and by type through indexes too", async () => {
    for (const filter of [
      heavyFilter({ order: { by: 'name', dir: 'ASC' } }),
      heavyFilter({ types: ['private'] }),
      heavyFilter({ searchKey: 'group001', searchIn: ['guid'] }),
    ]) {
      const plan = await planOf(repo.listQuery(appId, filter, { page: 1, perPage: 50 }));
      // The memberships are never scanned whole. The groups may be, for a sort by name of a
      // tenth of a small table: the planner's choice with the statistics of the whole (shared)
      // table, not a fault.
      expect(seqScanned(plan)).not.toContain('members');
      // A narrow filter may start from the groups and look each membership up by its key instead:
      // which one the planner takes depends on the statistics of the whole (shared) table.
      expect(indexes(plan).some((i) => i === 'members_app_uid_guid' || i === 'members_pkey')).toBe(
        true,
      );
    }
  });

  it("loads the viewer's memberships of a page in one index lookup", async () => {
    const guids = Array.from(
      { length: 100 },
      (_, i) => `group${String(i * 7 + 1).padStart(6, '0')}`,
    );
    const plan = await planOf(repo.viewerMembershipsQuery(appId, 'heavy', guids));
    expect(nodeTypes(plan)).not.toContain('Seq Scan');
    expect(indexes(plan).some((i) => i === 'members_pkey' || i === 'members_app_uid_guid')).toBe(
      true,
    );
  });

  it('pages every group a user may see, in cursor mode, and by guid or name prefix through indexes', async () => {
    const cases: Array<[Partial<GroupListFilter>, string]> = [
      [{ joinedBy: undefined }, 'groups_pkey'],
      [
        {
          joinedBy: undefined,
          order: { by: 'updatedAt', dir: 'DESC' },
          updated: { until: new Date(Date.now() - 5_000_000) },
        },
        'groups_app_updated',
      ],
      [{ joinedBy: undefined, searchKey: 'group0123', searchIn: ['guid'] }, 'groups_pkey'],
      [{ joinedBy: undefined, searchKey: 'name 0a', searchIn: ['name'] }, 'groups_app_name_lower'],
    ];
    for (const [over, index] of cases) {
      const plan = await planOf(repo.listQuery(appId, heavyFilter(over), { page: 1, perPage: 50 }));
      expect(scans(plan, 'groups').map((n) => n['Node Type'])).not.toContain('Seq Scan');
      expect(indexes(plan)).toContain(index);
    }
  });

  it('returns exactly the rows the plan promises, page after page, without duplicates or gaps', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const [rows, total] = await repo.list(appId, heavyFilter(), { page, perPage: 500 });
      expect(total).toBe(HEAVY_GROUPS);
      seen.push(...rows.map((r) => r.guid));
    }
    const expected = Array.from(
      { length: HEAVY_GROUPS },
      (_, i) => `group${String((i + 1) * 10).padStart(6, '0')}`,
    );
    expect(seen).toEqual(expected);

    // A viewer who is in none of them sees no private group; the app (no viewer) sees them all.
    const [, visible] = await repo.list(
      appId,
      heavyFilter({ viewer: 'nobody', joinedBy: undefined, types: ['private'] }),
      { page: 1, perPage: 1 },
    );
    expect(visible).toBe(0);
    const [, all] = await repo.list(
      appId,
      heavyFilter({ viewer: undefined, joinedBy: undefined, types: ['private'] }),
      { page: 1, perPage: 1 },
    );
    expect(all).toBe(Math.floor(GROUPS / 7));
    // heavy sees the private groups they belong to (multiples of 70).
    const [, theirs] = await repo.list(
      appId,
      heavyFilter({ joinedBy: undefined, types: ['private'] }),
      {
        page: 1,
        perPage: 1,
      },
    );
    expect(theirs).toBe(Math.floor(GROUPS / 70));
  });
});
