import { INestApplicationContext } from '@nestjs/common';
import {
  explainPlan,
  flattenPlan,
  PlanNode,
  startServiceContext,
  uniqueAppId,
} from '@parley/common/testing';
import { PageQuery } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { groupsModule } from '../app.module';
import { MemberListFilter, MemberRepository } from './member.repository';

jest.setTimeout(120_000);

const MEMBERS = 100_000;
const uidOf = (i: number) => `user${String(i).padStart(6, '0')}`;

/**
 * Paging the members of a 100,000-member group reads an index in uid order, never the table and
 * never a sort: the plans of the exact queries the repository runs, on real PostgreSQL with
 * statistics. The keyset cursor (`after`) keeps a deep page as cheap as the first.
 */
describe('member list query plans (a group of 100,000 members)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let repo: MemberRepository;
  const appId = uniqueAppId();

  beforeAll(async () => {
    ctx = await startServiceContext(groupsModule({ http: false }));
    ds = ctx.get(DataSource);
    repo = ctx.get(MemberRepository);
    // Earlier runs' deleted rows: their index pages become reusable, so the indexes stay compact.
    await ds.query('VACUUM "groups"."members"');
    const others = ['other1', 'other2', 'other3', 'other4'];
    for (const guid of ['big', 'small', ...others]) {
      await ds.query(
        `INSERT INTO "groups"."groups" ("app_id", "guid", "name", "type", "owner", "members_count", "created_at", "updated_at")
         VALUES ($1, $2, $2, 'public', $3, 0, now(), now())`,
        [appId, guid, uidOf(1)],
      );
    }
    // Every 100th member a moderator, every 1000th an admin. Beside it a small group, and four
    // groups of 50,000 of the same users, as in an app where users are in many groups.
    await ds.query(
      `INSERT INTO "groups"."members" ("app_id", "guid", "uid", "scope", "joined_at")
       SELECT $1, 'big', 'user' || lpad(i::text, 6, '0'),
              CASE WHEN i % 1000 = 0 THEN 'admin' WHEN i % 100 = 0 THEN 'moderator' ELSE 'participant' END,
              now()
       FROM generate_series(1, $2::int) i
       UNION ALL
       SELECT $1, 'small', 'user' || lpad(i::text, 6, '0'), 'participant', now()
       FROM generate_series(1, 50) i
       UNION ALL
       SELECT $1, g, 'user' || lpad((i * 2)::text, 6, '0'), 'participant', now()
       FROM unnest($3::text[]) g, generate_series(1, 50000) i`,
      [appId, MEMBERS, others],
    );
    // As autovacuum leaves a settled table: statistics, and the visibility map index-only scans use.
    await ds.query('VACUUM ANALYZE "groups"."members"');
  });

  afterAll(async () => {
    await ds?.query('DELETE FROM "groups"."groups" WHERE "app_id" = $1', [appId]); // cascades
    await ds?.query('VACUUM "groups"."members"');
    await ctx?.close();
  });

  async function planOf(
    filter: MemberListFilter,
    page: PageQuery,
    analyze = false,
  ): Promise<PlanNode[]> {
    const [sql, params] = repo.listQuery(appId, 'big', filter, page).getQueryAndParameters();
    return explainPlan(ds, sql, params, { analyze });
  }

  const scans = (plan: PlanNode[]) => plan.filter((n) => n['Relation Name'] === 'members');
  const kinds = (plan: PlanNode[]) => plan.map((n) => n['Node Type']);

  it('reads page 1 from the primary key, in its order (no sort)', async () => {
    const plan = await planOf({}, { page: 1, perPage: 100 });
    expect(kinds(plan)).not.toContain('Seq Scan');
    expect(kinds(plan)).not.toContain('Sort');
    expect(scans(plan).map((n) => n['Index Name'])).toEqual(['members_pkey']);
  });

  it('reads a deep offset page (page 1000) as 100 rows by primary key, after a skip over the 99,900 before it', async () => {
    const plan = await planOf({}, { page: 1000, perPage: 100 }, true);
    const [limit] = plan;
    const skip = (limit.Plans ?? []).find((n) => n['Subplan Name']?.startsWith('InitPlan'));
    const page = (limit.Plans ?? []).find((n) => !n['Subplan Name']);
    // The page itself: its 100 rows, in order, from the primary key.
    expect(page?.['Node Type']).toBe('Index Scan');
    expect(page?.['Index Name']).toBe('members_pkey');
    expect(page?.['Actual Rows']).toBe(100);
    // The skip to the page's first uid walks every member before it: an index-only scan of the
    // primary key on a settled table, or (the planner's choice on a busy one) a scan and a sort.
    // Offset pages cost what their depth is; the keyset cursor below is the bounded way.
    const walked = Math.max(...flattenPlan(skip!).map((n) => n['Actual Rows'] ?? 0));
    expect(walked).toBeGreaterThanOrEqual(99_901);
  });

  it('reads a deep page through the keyset cursor as cheaply as the first (bounded by perPage)', async () => {
    const plan = await planOf({ after: uidOf(99_900) }, { page: 1, perPage: 100 }, true);
    expect(kinds(plan)).not.toContain('Seq Scan');
    expect(kinds(plan)).not.toContain('Sort');
    const [scan, ...more] = scans(plan);
    expect(more).toEqual([]);
    expect(scan['Index Name']).toBe('members_pkey');
    expect(scan['Actual Rows']).toBe(100);
  });

  it('pages one scope through the (app_id, guid, scope, uid) index', async () => {
    const plan = await planOf({ scopes: ['moderator'] }, { page: 5, perPage: 100 });
    expect(kinds(plan)).not.toContain('Seq Scan');
    expect(kinds(plan)).not.toContain('Sort');
    expect(new Set(scans(plan).map((n) => n['Index Name']))).toEqual(
      new Set(['members_app_guid_scope_uid']),
    );
  });

  it('finds a uid prefix as an index range', async () => {
    const plan = await planOf({ uidPrefix: 'user01234' }, { page: 1, perPage: 100 }, true);
    expect(kinds(plan)).not.toContain('Seq Scan');
    const [scan] = scans(plan);
    // The primary key, or the (app_id, uid, guid) index: both hold the prefix as a range.
    expect(['members_pkey', 'members_app_uid_guid']).toContain(scan['Index Name']);
    expect(scan['Actual Rows']).toBe(10);
  });

  it('returns the rows the plans promise, and counts them', async () => {
    const first = await repo.list(appId, 'big', {}, { page: 1, perPage: 3 });
    expect(first.map((m) => m.uid)).toEqual([uidOf(1), uidOf(2), uidOf(3)]);
    const second = await repo.list(appId, 'big', {}, { page: 2, perPage: 3 });
    expect(second.map((m) => m.uid)).toEqual([uidOf(4), uidOf(5), uidOf(6)]);
    expect(await repo.list(appId, 'small', {}, { page: 3, perPage: 50 })).toEqual([]);
    const deep = await repo.list(appId, 'big', {}, { page: 1000, perPage: 100 });
    const keyset = await repo.list(
      appId,
      'big',
      { after: uidOf(99_900) },
      { page: 1, perPage: 100 },
    );
    expect(keyset.map((m) => m.uid)).toEqual(deep.map((m) => m.uid));
    expect(keyset[99].uid).toBe(uidOf(MEMBERS));
    const admins = await repo.list(appId, 'big', { scopes: ['admin'] }, { page: 1, perPage: 1000 });
    expect(admins).toHaveLength(100);
    expect(await repo.count(appId, 'big', { scopes: ['admin', 'moderator'] })).toBe(1000);
    expect(await repo.count(appId, 'big', { uidPrefix: 'user01234' })).toBe(10);
    expect(await repo.count(appId, 'small', {})).toBe(50);
  });
});
