import { INestApplicationContext } from '@nestjs/common';
import { explainPlan, PlanNode, startServiceContext, uniqueAppId } from '@parley/common/testing';
import { MessageListQuery, MessageListQuerySchema } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { MessageRepository } from './message.repository';

jest.setTimeout(120_000);

const query = (q: Record<string, unknown> = {}): MessageListQuery =>
  MessageListQuerySchema.parse(q);

const PER_CONVERSATION = 30_000;
const CONVERSATIONS = ['group_big', 'group_other', 'a_user_b'];

/**
 * `searchKey` reads the `messages_search` GIN index (text and customData words), never the table
 * by a sequential scan: the plans of the exact statements the repository runs, on real PostgreSQL
 * with statistics, over 90,000 messages of which a handful hold the word searched for.
 */
describe('searchKey query plans', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let repo: MessageRepository;
  const appId = uniqueAppId('msg-search');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    repo = ctx.get(MessageRepository);
    // Every 10,000th message of each conversation says "zanzibar"; every 7,000th is a custom
    // message whose customData holds "quokka"; all the others are chatter drawn from 1,500 words
    // (as real text has: the planner estimates a prefix from the statistics' 100+ common words).
    await ds.query(
      `INSERT INTO "messaging"."messages"
         ("app_id", "conversation_id", "seq", "sender", "receiver", "receiver_type", "category",
          "type", "data", "tags", "sent_at", "updated_at")
       SELECT $1, c, s, 'u1', 'big', 'group',
              CASE WHEN s % 7000 = 0 THEN 'custom' ELSE 'message' END,
              CASE WHEN s % 7000 = 0 THEN 'poll' ELSE 'text' END,
              CASE WHEN s % 7000 = 0 THEN jsonb_build_object('customData', jsonb_build_object('q', 'a quokka ' || s))
                   WHEN s % 10000 = 0 THEN jsonb_build_object('text', 'trip to zanzibar ' || s)
                   ELSE jsonb_build_object('text', 'hello w' || (s * 7) % 500 || ' v' || (s * 13) % 700
                                                   || ' x' || (s * 17) % 300) END,
              '{}', timestamptz '2025-01-01' + s * interval '1 second', timestamptz '2025-01-01'
       FROM unnest($2::text[]) c, generate_series(1, $3::int) s
       ORDER BY s, c`,
      [appId, CONVERSATIONS, PER_CONVERSATION],
    );
    await ds.query('VACUUM ANALYZE "messaging"."messages"');
  });

  afterAll(async () => {
    await ds?.query(`DELETE FROM "messaging"."messages" WHERE "app_id" = $1`, [appId]);
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
  const kinds = (plan: PlanNode[]) => plan.map((n) => n['Node Type']);
  const indexes = (plan: PlanNode[]) => plan.flatMap((n) => n['Index Name'] ?? []);

  it("finds a rare word of a conversation's text through the search index", async () => {
    const plan = await planOf(['group_big'], query({ searchKey: 'zanzi' }));
    expect(kinds(plan)).not.toContain('Seq Scan');
    expect(indexes(plan)).toContain('messages_search');
    const rows = await list(appId, ['group_big'], query({ searchKey: 'Zanzibar' }));
    expect(rows.map((r) => Number(r.seq))).toEqual([30_000, 20_000, 10_000]);
  });

  it("finds words of customData's strings, across the app, through the search index", async () => {
    const plan = await planOf(undefined, query({ searchKey: 'quokka' }));
    expect(kinds(plan)).not.toContain('Seq Scan');
    expect(indexes(plan)).toContain('messages_search');
    const rows = await list(appId, undefined, query({ searchKey: 'quokka' }));
    expect(rows).toHaveLength(CONVERSATIONS.length * 4);
  });

  it('never scans the table for a common word either', async () => {
    const plan = await planOf(['group_big'], query({ searchKey: 'hello' }));
    expect(kinds(plan)).not.toContain('Seq Scan');
    const rows = await list(appId, ['group_big'], query({ searchKey: 'hello', limit: '5' }));
    expect(rows).toHaveLength(5);
  });
});
