import { INestApplicationContext } from '@nestjs/common';
import { toSeconds } from '@parley/common';
import {
  explainGenericPlan,
  explainPlan,
  PlanNode,
  startServiceContext,
  uniqueAppId,
} from '@parley/common/testing';
import { MessageListQuery, MessageListQuerySchema } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { groupSnapshot, profile } from '../testing/message.factory';
import { MessageRepository } from './message.repository';

jest.setTimeout(120_000);

const query = (q: Record<string, unknown> = {}): MessageListQuery =>
  MessageListQuerySchema.parse(q);

const BIG = 100_000;
const OTHERS = ['group_a', 'group_b', 'x_user_y', 'y_user_z'];
const PER_OTHER = 25_000;

/**
 * Paging a conversation of 100,000 messages (among 200,000 of the app) reads one index range in
 * order, never the table's other rows and never a sort, however deep the cursor: the plans of the
 * exact statements the repository runs, on real PostgreSQL with statistics.
 */
describe('message page query plans (a conversation of 100,000 messages)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let repo: MessageRepository;
  const appId = uniqueAppId('msg-plan');
  let ids: string[] = [];

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    repo = ctx.get(MessageRepository);
    // Interleaved, as in a live app: the big conversation's messages are every other id.
    await ds.query(
      `INSERT INTO "messaging"."messages"
         ("app_id", "conversation_id", "seq", "sender", "receiver", "receiver_type", "category",
          "type", "data", "tags", "sent_at", "updated_at")
       SELECT $1, c, s, 'u1', 'big', 'group', 'message', 'text',
              jsonb_build_object('text', 'message ' || s), '{}',
              timestamptz '2025-01-01' + s * interval '1 second', timestamptz '2025-01-01'
       FROM (SELECT 'group_big' AS c, s FROM generate_series(1, $2::int) s
             UNION ALL
             SELECT o, s FROM unnest($3::text[]) o, generate_series(1, $4::int) s) t
       ORDER BY s, c`,
      [appId, BIG, OTHERS, PER_OTHER],
    );
    await ds.query('VACUUM ANALYZE "messaging"."messages"');
    ids = (
      (await ds.query(
        `SELECT "id" FROM "messaging"."messages" WHERE "app_id" = $1 AND "conversation_id" = 'group_big' ORDER BY "seq"`,
        [appId],
      )) as Array<{ id: string }>
    ).map((r) => r.id);
  });

  afterAll(async () => {
    await ds?.query(`DELETE FROM "messaging"."messages" WHERE "app_id" = $1`, [appId]);
    for (const table of ['users', 'groups', 'receipt_marks']) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ds?.query('VACUUM "messaging"."messages"');
    await ctx?.close();
  });

  /** The rows of a page as the repository reads it for rendering. */
  const list = async (...args: Parameters<MessageRepository['page']>) =>
    (await repo.page(...args)).rows;

  async function planOf(conversations: string[] | undefined, q: MessageListQuery) {
    const { sql, params } = repo.listSql(appId, conversations, q);
    return explainPlan(ds, sql, params, { analyze: true });
  }

  const scans = (plan: PlanNode[]) => plan.filter((n) => n['Relation Name'] === 'messages');
  const kinds = (plan: PlanNode[]) => plan.map((n) => n['Node Type']);

  function expectOneIndexRange(plan: PlanNode[], index: string, rows: number) {
    expect(kinds(plan)).not.toContain('Seq Scan');
    expect(kinds(plan)).not.toContain('Sort');
    const [scan, ...more] = scans(plan);
    expect(more).toEqual([]);
    expect(scan['Node Type']).toMatch(/^Index (Only )?Scan$/);
    expect(scan['Index Name']).toBe(index);
    expect(scan['Actual Rows']).toBe(rows);
  }

  it('reads the newest page from the (app, conversation, id) index, backwards', async () => {
    const plan = await planOf(['group_big'], query({ limit: '100' }));
    expectOneIndexRange(plan, 'messages_conversation_id', 100);
    expect(scans(plan)[0]['Scan Direction']).toBe('Backward');
  });

  it('reads a page before a deep id cursor as cheaply as the first', async () => {
    const plan = await planOf(['group_big'], query({ limit: '100', id: ids[500] }));
    expectOneIndexRange(plan, 'messages_conversation_id', 100);
  });

  it('reads forward (append) from an id cursor', async () => {
    const plan = await planOf(['group_big'], query({ affix: 'append', id: ids[50_000] }));
    expectOneIndexRange(plan, 'messages_conversation_id', 100);
  });

  it('reads a seq range (fromSeq/toSeq) from the (app, conversation, seq) key', async () => {
    const plan = await planOf(
      ['group_big'],
      query({ affix: 'append', fromSeq: '70001', toSeq: '70050' }),
    );
    expectOneIndexRange(plan, 'messages_conversation_seq', 50);
  });

  it("reads a user's page before a cursor (their position joined) from one range, also as the prepared statement's generic plan", async () => {
    const q = query({ limit: '50', id: ids[60_000] });
    const { sql, params, name } = repo.listSql(appId, ['group_big'], q, 'u1');
    expect(name).toMatch(/^messages_page_/);
    expectOneIndexRange(
      await explainPlan(ds, sql, params, { analyze: true }),
      'messages_conversation_id',
      50,
    );
    // Once PostgreSQL settles on a generic plan for the prepared statement, it is the same range.
    expectOneIndexRange(
      await explainGenericPlan(ds, sql, params as Array<string | number>),
      'messages_conversation_id',
      50,
    );
  });

  it('reads a page with the users, groups and receipt marks it names in one statement, its messages from one range, also as the generic plan', async () => {
    await ds.query(
      `INSERT INTO "messaging"."users" ("app_id", "uid", "status", "profile", "version")
       VALUES ($1, 'u1', 'active', $2, 1), ($1, 'u9', 'active', $3, 1),
              ($1, 'u2', 'deleted', NULL, 1)`,
      [appId, profile('u1'), profile('u9')],
    );
    await ds.query(
      `INSERT INTO "messaging"."groups" ("app_id", "guid", "snapshot", "version")
       VALUES ($1, 'big', $2, 1), ($1, 'other', $3, 1)`,
      [appId, groupSnapshot('big'), groupSnapshot('other')],
    );
    // Seqs 8-10 on the page (the ids before ids[10]); the viewer is u2.
    await ds.query(
      `UPDATE "messaging"."messages" SET "mentioned_uids" = '{u2}' WHERE "app_id" = $1 AND "id" = $2`,
      [appId, ids[8]],
    );
    const at = new Date('2025-03-01T10:00:00.750Z');
    await ds.query(
      `INSERT INTO "messaging"."receipt_marks"
         ("app_id", "conversation_id", "uid", "kind", "from_seq", "to_seq", "marked_at")
       VALUES ($1, 'group_big', '*', 'read', 0, 9, $2), ($1, 'group_big', 'u2', 'delivered', 0, 100, $2),
              ($1, 'group_big', 'u3', 'read', 0, 100, $2), ($1, 'group_big', '*', 'delivered', 50, 60, $2),
              ($1, 'group_a', '*', 'read', 0, 100, $2)`,
      [appId, at],
    );
    const q = query({ limit: '3', id: ids[10] });
    const read = await repo.page(appId, ['group_big'], q, 'u2');
    expect(read.rows.map((r) => r.id)).toEqual([ids[9], ids[8], ids[7]]);
    const [, row] = read.rows;
    expect(row).toEqual({
      id: ids[8],
      conversation_id: 'group_big',
      seq: '9',
      muid: null,
      sender: 'u1',
      receiver: 'big',
      receiver_type: 'group',
      category: 'message',
      type: 'text',
      data: { text: 'message 9' },
      tags: [],
      parent_id: null,
      reply_count: 0,
      quoted_message_id: null,
      mentioned_uids: ['u2'],
      reaction_count: 0,
      edited_by: null,
      deleted_by: null,
      sent_at: expect.any(Number),
      updated_at: expect.any(Number),
      edited_at: null,
      deleted_at: null,
    });
    expect(Number(row.sent_at) - Number(row.updated_at)).toBe(9);
    const byUid = (a: { uid: string }, b: { uid: string }) => a.uid.localeCompare(b.uid);
    expect(read.users.sort(byUid)).toEqual([
      { uid: 'u1', status: 'active', profile: profile('u1') },
      { uid: 'u2', status: 'deleted', profile: null },
    ]);
    expect(read.groups).toEqual([{ guid: 'big', snapshot: groupSnapshot('big') }]);
    // Whole seconds, in milliseconds: as a mark's Date gives them to toSeconds.
    const markedAt = Math.floor(at.getTime() / 1000) * 1000;
    expect(read.marks.sort(byUid)).toEqual([
      {
        conversation_id: 'group_big',
        uid: '*',
        kind: 'read',
        from_seq: '0',
        to_seq: '9',
        marked_at: markedAt,
      },
      {
        conversation_id: 'group_big',
        uid: 'u2',
        kind: 'delivered',
        from_seq: '0',
        to_seq: '100',
        marked_at: markedAt,
      },
    ]);

    const { sql, params, name } = repo.pageSql(
      appId,
      ['group_big'],
      query({ limit: '50', id: ids[60_000] }),
      'u1',
    );
    expect(name).toMatch(/^messages_page_/);
    for (const plan of [
      await explainPlan(ds, sql, params, { analyze: true }),
      await explainGenericPlan(ds, sql, params as Array<string | number>),
    ]) {
      const [scan, ...more] = scans(plan);
      expect(more).toEqual([]);
      expect(scan['Index Name']).toBe('messages_conversation_id');
      expect(scan['Actual Rows']).toBe(50);
    }
  });

  it("prepares one conversation's page, and plans a search or several conversations for their values", () => {
    const one = repo.listSql(appId, ['group_big'], query({ id: ids[10] }), 'u1');
    const again = repo.listSql(appId, ['group_a'], query({ id: ids[20] }), 'u2');
    // The same statement whatever the values: one name, prepared once per connection.
    expect(again.name).toBe(one.name);
    expect(repo.listSql(appId, ['group_big'], query({ limit: '5' })).name).not.toBe(one.name);
    expect(repo.listSql(appId, ['group_big'], query({ searchKey: 'hi' })).name).toBeUndefined();
    expect(repo.listSql(appId, OTHERS, query({})).name).toBeUndefined();
    expect(repo.listSql(appId, undefined, query({})).name).toBeUndefined();
    // The page with what it names is prepared when its page is, under a name of its own.
    expect(repo.pageSql(appId, ['group_a'], query({ id: ids[20] }), 'u2').name).toMatch(
      /^messages_page_/,
    );
    expect(repo.pageSql(appId, ['group_a'], query({ id: ids[20] }), 'u2').name).not.toBe(one.name);
    expect(repo.pageSql(appId, OTHERS, query({})).name).toBeUndefined();
  });

  it("gives a page's timestamps as whole Unix seconds, as the stored times read", async () => {
    await ds.query(
      `UPDATE "messaging"."messages"
         SET "edited_at" = "sent_at" + interval '1.75 seconds', "edited_by" = 'u1'
       WHERE "app_id" = $1 AND "id" = $2`,
      [appId, ids[3]],
    );
    const [stored] = (await ds.query(
      `SELECT "sent_at", "updated_at", "edited_at" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "id" = $2`,
      [appId, ids[3]],
    )) as Array<{ sent_at: Date; updated_at: Date; edited_at: Date }>;
    for (let round = 0; round < 2; round++) {
      // Twice: the second runs the statement the first prepared on the same pooled connection.
      const [row] = await list(appId, ['group_big'], query({ limit: '1', id: ids[4] }));
      expect(row).toMatchObject({
        id: ids[3],
        sent_at: toSeconds(stored.sent_at),
        updated_at: toSeconds(stored.updated_at),
        edited_at: toSeconds(stored.edited_at),
        deleted_at: null,
      });
    }
  });

  it("reads the app's newest page from the primary key", async () => {
    const plan = await planOf(undefined, query({ limit: '100', id: ids[90_000] }));
    expectOneIndexRange(plan, 'messages_pkey', 100);
  });

  it('reads what changed since a time (updatedSince) from the (app, conversation, updated_at) index', async () => {
    // 50 messages of the conversation changed lately (edited, deleted); the rest long before. Their
    // time is later than any other suite's messages in this shared table, so the statistics say
    // what the test means: few rows changed since then.
    await ds.query(
      `UPDATE "messaging"."messages" SET "updated_at" = timestamptz '2100-06-01'
       WHERE "app_id" = $1 AND "id" = ANY($2::bigint[])`,
      [appId, ids.slice(1000, 1050)],
    );
    await ds.query('ANALYZE "messaging"."messages"');
    const since = String(Date.parse('2100-03-01') / 1000);
    const plan = await planOf(['group_big'], query({ updatedSince: since }));
    expect(kinds(plan)).not.toContain('Seq Scan');
    const [scan, ...more] = scans(plan);
    expect(more).toEqual([]);
    expect(scan['Index Name']).toBe('messages_conversation_updated');
    expect(scan['Actual Rows']).toBe(50);
    const changed = await list(appId, ['group_big'], query({ updatedSince: since }));
    expect(changed.map((r) => r.id).sort()).toEqual([...ids.slice(1000, 1050)].sort());
  });

  it('returns the rows the plans promise', async () => {
    const newest = await list(appId, ['group_big'], query({ limit: '3' }));
    expect(newest.map((r) => Number(r.seq))).toEqual([BIG, BIG - 1, BIG - 2]);
    const before = await list(appId, ['group_big'], query({ limit: '2', id: ids[10] }));
    expect(before.map((r) => r.id)).toEqual([ids[9], ids[8]]);
    const after = await list(
      appId,
      ['group_big'],
      query({ affix: 'append', limit: '2', id: ids[10] }),
    );
    expect(after.map((r) => r.id)).toEqual([ids[11], ids[12]]);
    const range = await list(
      appId,
      ['group_big'],
      query({ affix: 'append', fromSeq: '5', toSeq: '7' }),
    );
    expect(range.map((r) => Number(r.seq))).toEqual([5, 6, 7]);
  });
});
