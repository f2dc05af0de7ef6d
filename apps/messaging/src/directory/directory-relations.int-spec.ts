import { INestApplicationContext } from '@nestjs/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { profile } from '../testing/message.factory';
import { DirectoryRepository } from './directory.repository';

jest.setTimeout(60_000);

/**
 * The roles and friendships read models on real PostgreSQL: each event applies as a version (a
 * redelivered or late one changes nothing), what was learnt by RPC never overrides an event, and
 * a deleted role's holders hold `default`, as the users service moves them.
 */
describe('DirectoryRepository: roles and friendships', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let repo: DirectoryRepository;
  const appId = uniqueAppId('dir-rel');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    repo = ctx.get(DirectoryRepository);
  });

  afterAll(async () => {
    for (const table of ['roles', 'friendships', 'users', 'blocks']) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  it('keeps the newest role event, and learns a role only where no event wrote', async () => {
    await repo.learnRole(appId, 'vip', 'all');
    await repo.applyRole(appId, 'vip', 'friendsOnly', 10);
    await repo.applyRole(appId, 'vip', 'all', 9); // late: ignored
    await repo.learnRole(appId, 'vip', 'all'); // an older answer: ignored
    expect(await repo.findRole(appId, 'vip')).toEqual({
      sendMessagesTo: 'friendsOnly',
      deleted: false,
    });
    expect(await repo.findRole(appId, 'nobody')).toBeNull();
  });

  it('moves the holders of a deleted role to default, not those given it after', async () => {
    await repo.applyUser(appId, 'old', 'active', profile('old', { role: 'temp' }), 20);
    await repo.applyRole(appId, 'temp', 'friendsOnly', 21);
    await repo.deleteRole(appId, 'temp', 22);
    await repo.deleteRole(appId, 'temp', 22); // redelivered
    await repo.applyRole(appId, 'temp', 'friendsOnly', 23); // created again
    await repo.applyUser(appId, 'new', 'active', profile('new', { role: 'temp' }), 24);
    const roles = Object.fromEntries(
      (await repo.findUsers(appId, ['old', 'new'])).map((u) => [u.uid, u.profile?.role]),
    );
    expect(roles).toEqual({ old: 'default', new: 'temp' });
    expect(await repo.findRole(appId, 'temp')).toEqual({
      sendMessagesTo: 'friendsOnly',
      deleted: false,
    });
  });

  it("reads a 1:1 pair in one query as the single reads answer: users, blocks, the sender's role", async () => {
    await repo.applyUser(appId, 'pa', 'active', profile('pa', { role: 'pair-role' }), 30);
    await repo.applyUser(appId, 'pb', 'deactivated', profile('pb'), 31);
    await repo.applyRole(appId, 'pair-role', 'friendsOnly', 32);
    await repo.applyBlock(appId, 'pb', 'pa', true, 33);
    await repo.applyBlock(appId, 'pa', 'pb', false, 34);
    const pair = await repo.findUserPair(appId, 'pa', 'pb');
    const byUid = (rows: Array<{ uid: string }>) =>
      [...rows].sort((x, y) => x.uid.localeCompare(y.uid));
    expect(byUid(pair.users)).toEqual(byUid(await repo.findUsers(appId, ['pa', 'pb'])));
    expect(pair.blocks).toEqual(await repo.blocksBetween(appId, 'pa', 'pb'));
    expect(pair.blocks).toEqual([{ blocker: 'pb', blocked: 'pa' }]);
    expect(pair.senderRole).toEqual(await repo.findRole(appId, 'pair-role'));
    // An unknown sender reads the default role, which this app's model does not hold.
    expect(await repo.findUserPair(appId, 'nobody', 'pb')).toMatchObject({
      users: [{ uid: 'pb' }],
      senderRole: null,
    });
  });

  it('keeps friendships symmetric and versioned, and drops those of an erased user', async () => {
    await repo.applyFriendship(appId, 'b', 'a', true, 30);
    expect(await repo.areFriends(appId, 'a', 'b')).toBe(true);
    await repo.applyFriendship(appId, 'a', 'b', false, 31);
    await repo.applyFriendship(appId, 'b', 'a', true, 30); // redelivered: ignored
    await repo.learnFriendship(appId, 'a', 'b'); // an RPC answer never overrides an event
    expect(await repo.areFriends(appId, 'b', 'a')).toBe(false);

    await repo.learnFriendship(appId, 'c', 'd');
    expect(await repo.areFriends(appId, 'd', 'c')).toBe(true);
    await repo.applyUser(appId, 'c', 'active', profile('c'), 40);
    await repo.applyUserErased(appId, 'c', 41);
    await repo.dropFriendshipsOf(appId, 'c', 41);
    expect(await repo.areFriends(appId, 'c', 'd')).toBe(false);
    expect(await repo.findUsers(appId, ['c'])).toEqual([
      { uid: 'c', status: 'deleted', profile: null },
    ]);
  });
});
