import { INestApplicationContext } from '@nestjs/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { groupSnapshot, profile, textTo } from '../testing/message.factory';
import { MessageService } from './message.service';

jest.setTimeout(120_000);

/** One statement the service ran, with what it wrote. */
interface Statement {
  text: string;
  /** `INSERT INTO|UPDATE|DELETE FROM "messaging"."<table>"` clauses, CTEs included. */
  writes: string[];
}

const WRITE = /\b(INSERT INTO|UPDATE|DELETE FROM)\s+"messaging"\."(\w+)"/g;

/**
 * "A message to a group of 100,000 members is one insert, not 100,000": sending into a
 * group of 10,000 members runs the same statements, writing the same rows, as into a group of 2.
 * Every statement the service sends to PostgreSQL for the app is recorded at the driver (the
 * messaging schema's own connection pool) while one message is sent to each group.
 */
describe('the cost of a group message does not depend on the group size', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let messages: MessageService;
  const appId = uniqueAppId('msg-writes');
  let recorded: Statement[] | undefined;

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    const directory = ctx.get(DirectoryRepository);
    await directory.learnUsers(appId, [profile('sender')]);
    for (const [guid, size] of [
      ['small', 2],
      ['large', 10_000],
    ] as const) {
      await directory.applyGroup(appId, groupSnapshot(guid, { membersCount: size }), 1, {
        created: true,
      });
      await ds.query(
        `INSERT INTO "messaging"."group_members" ("app_id", "guid", "uid", "state", "scope", "version")
         SELECT $1, $2, CASE WHEN i = 1 THEN 'sender' ELSE 'member' || i END, 'member', 'participant', 1
         FROM generate_series(1, $3::int) i`,
        [appId, guid, size],
      );
    }
    // Every query of this app: its text, and the write clauses in it.
    const original = Client.prototype.query;
    jest.spyOn(Client.prototype, 'query').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      const [text, values] = args as [unknown, unknown];
      // A query config (a prepared statement's) carries its values.
      const config =
        typeof text === 'string' ? undefined : (text as { text?: string; values?: unknown });
      const sql = config ? config.text : (text as string);
      const params = config ? config.values : values;
      if (recorded && sql && JSON.stringify(params ?? []).includes(appId)) {
        recorded.push({
          text: sql,
          writes: [...sql.matchAll(WRITE)].map((m) => `${m[1]} ${m[2]}`),
        });
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    for (const table of [
      'messages',
      'conversations',
      'member_positions',
      'receipt_marks',
      'users',
      'groups',
    ]) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ds?.query(`DELETE FROM "messaging"."group_members" WHERE "app_id" = $1`, [appId]);
    await ctx?.close();
  });

  async function sendTo(guid: string): Promise<Statement[]> {
    recorded = [];
    await messages.send({
      appId,
      sender: 'sender',
      message: textTo(guid, { receiverType: 'group', text: `to ${guid}` }),
    });
    const statements = recorded;
    recorded = undefined;
    return statements;
  }

  const rows = async (table: string) => {
    const [row] = (await ds.query(
      `SELECT count(*)::int AS n FROM "messaging"."${table}" WHERE "app_id" = $1`,
      [appId],
    )) as Array<{ n: number }>;
    return row.n;
  };

  it('writes the same rows for 10,000 members as for 2', async () => {
    // The first message of a conversation creates it; compare steady-state sends too.
    const firstSmall = await sendTo('small');
    const firstLarge = await sendTo('large');
    const positionsBefore = await rows('member_positions');
    const messagesBefore = await rows('messages');
    const small = await sendTo('small');
    const large = await sendTo('large');

    const writes = (s: Statement[]) => s.flatMap((x) => x.writes);
    expect(writes(firstLarge)).toEqual(writes(firstSmall));
    expect(writes(large)).toEqual(writes(small));
    expect(large.map((s) => s.text)).toEqual(small.map((s) => s.text));
    // What one message writes, whatever the group's size, in one statement: the conversation
    // (seq and last message), the message, the sender's read position (and, when it passes over
    // others' messages, when it did), one outbox event.
    expect(large.filter((s) => s.writes.length)).toHaveLength(1);
    expect(writes(large).sort()).toEqual(
      [
        'UPDATE conversations',
        'INSERT INTO messages',
        'INSERT INTO member_positions',
        'INSERT INTO receipt_marks',
        'INSERT INTO outbox',
      ].sort(),
    );
    // One message row per send, no row per member: the sender's position already existed.
    expect(await rows('messages')).toBe(messagesBefore + 2);
    expect(await rows('member_positions')).toBe(positionsBefore);
    expect(large.some((s) => /group_members/.test(s.text) && /INSERT|UPDATE/.test(s.text))).toBe(
      false,
    );
  });
});
