import { INestApplicationContext } from '@nestjs/common';
import { Outbox, Transactor, UserDataEraser } from '@parley/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { groupsModule } from '../app.module';

jest.setTimeout(120_000);

/**
 * Erasing a user from the groups (GroupsUserEraser) on real PostgreSQL: memberships and bans go, counts drop, an owned
 * group passes to the app, and what a new user of the same uid made after the delete stays.
 */
describe('GroupsUserEraser', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  const appId = uniqueAppId('erase-groups');
  const T0 = new Date('2026-01-01T00:00:00Z');
  const AFTER = new Date('2026-01-02T00:00:00Z');
  const DELETED = new Date('2026-01-01T12:00:00Z');

  const group = (guid: string, owner: string, members: number) =>
    ds.query(
      `INSERT INTO "groups"."groups" ("app_id", "guid", "name", "type", "owner", "members_count",
         "created_at", "updated_at") VALUES ($1, $2, $2, 'public', $3, $4, $5, $5)`,
      [appId, guid, owner, members, T0],
    );
  const member = (guid: string, uid: string, at = T0) =>
    ds.query(
      `INSERT INTO "groups"."members" ("app_id", "guid", "uid", "scope", "joined_at")
       VALUES ($1, $2, $3, 'participant', $4)`,
      [appId, guid, uid, at],
    );
  const ban = (guid: string, uid: string, by: string) =>
    ds.query(
      `INSERT INTO "groups"."bans" ("app_id", "guid", "uid", "banned_by", "banned_at")
       VALUES ($1, $2, $3, $4, $5)`,
      [appId, guid, uid, by, T0],
    );

  beforeAll(async () => {
    ctx = await startServiceContext(groupsModule({ http: false }));
    ds = ctx.get(DataSource);
    await group('owned', 'ann', 2);
    await member('owned', 'ann');
    await member('owned', 'bob');
    await ban('owned', 'dan', 'ann');
    await group('club', 'bob', 3);
    await member('club', 'ann');
    await member('club', 'bob');
    await member('club', 'carol');
    await group('closed', 'bob', 1);
    await member('closed', 'bob');
    await ban('closed', 'ann', 'bob');
    // A new user of the uid joined after the delete.
    await group('later', 'bob', 2);
    await member('later', 'bob');
    await member('later', 'ann', AFTER);
  });

  afterAll(async () => {
    for (const table of ['members', 'bans', 'groups'])
      await ds?.query(`DELETE FROM "groups"."${table}" WHERE "app_id" = $1`, [appId]);
    await ctx?.close();
  });

  it("erases the user's memberships and bans, passes their group to the app, once", async () => {
    const eraser = ctx.get(UserDataEraser);
    const staged = jest.spyOn(ctx.get(Outbox), 'stage');
    const erase = () => ctx.get(Transactor).run((tx) => eraser.erase(tx, appId, 'ann', DELETED));
    await expect(erase()).resolves.toEqual({ members: 2, bans: 2, groups: 1 });
    await expect(erase()).resolves.toEqual({});

    const groups = (await ds.query(
      `SELECT "guid", "owner", "members_count" AS n FROM "groups"."groups" WHERE "app_id" = $1
       ORDER BY 1`,
      [appId],
    )) as Array<{ guid: string; owner: string; n: number }>;
    expect(groups).toEqual([
      { guid: 'closed', owner: 'bob', n: 1 },
      { guid: 'club', owner: 'bob', n: 2 },
      { guid: 'later', owner: 'bob', n: 2 },
      { guid: 'owned', owner: 'app_system', n: 1 },
    ]);
    const members = (await ds.query(
      `SELECT "guid", "uid" FROM "groups"."members" WHERE "app_id" = $1 ORDER BY 1, 2`,
      [appId],
    )) as unknown[];
    expect(members).toEqual([
      { guid: 'closed', uid: 'bob' },
      { guid: 'club', uid: 'bob' },
      { guid: 'club', uid: 'carol' },
      { guid: 'later', uid: 'ann' },
      { guid: 'later', uid: 'bob' },
      { guid: 'owned', uid: 'bob' },
    ]);
    const bans = (await ds.query(
      `SELECT "guid", "uid", "banned_by" FROM "groups"."bans" WHERE "app_id" = $1`,
      [appId],
    )) as unknown[];
    expect(bans).toEqual([{ guid: 'owned', uid: 'dan', banned_by: 'app_system' }]);
    // Each group changed is announced, as the app's change; the one of the new user is not.
    // (This context serves the test NATS server's groups requests too: other apps' are left out.)
    const events = staged.mock.calls
      .filter(([, , app]) => app === appId)
      .map(([, def, , body]) => [
        def.name,
        (body as { group: { guid: string } }).group.guid,
        (body as { actor: string }).actor,
      ]);
    expect(events.sort()).toEqual([
      ['group.updated', 'closed', 'app_system'],
      ['group.updated', 'club', 'app_system'],
      ['group.updated', 'owned', 'app_system'],
    ]);
  });
});
