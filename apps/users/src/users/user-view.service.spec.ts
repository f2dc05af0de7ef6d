import { presenceReaderOf } from '@parley/common/testing';
import { BlockFields, DEFAULT_ROLE_SETTINGS, RoleSettings } from '@parley/contracts';
import { deactivatedUserRow, deletedUserRow, userRow } from '../testing/user.factory';
import { RelationshipReader } from '../relationships/relationship-reader';
import { RoleDirectory } from '../roles/role-directory';
import { UserEntity } from './user.entity';
import { UserListFilter, UserRepository } from './user.repository';
import { UserViewService } from './user-view.service';

const PAGE = { page: 1, perPage: 10 };

/** The service over an in-memory app: `rows` by uid, the viewer's role settings, friends, blocks. */
function setup(opts: {
  rows?: UserEntity[];
  settings?: RoleSettings;
  friends?: string[];
  online?: string[];
  lastActive?: Record<string, number>;
  blocks?: Record<string, BlockFields>;
}) {
  const rows = new Map((opts.rows ?? []).map((r) => [r.uid, r]));
  const repo = {
    find: jest.fn(async (_appId: string, uid: string) => rows.get(uid) ?? null),
    list: jest.fn(
      async (_appId: string, filter: UserListFilter): Promise<[UserEntity[], number]> => {
        const listed = [...rows.values()].filter(
          (r) =>
            (!filter.onlyUids || filter.onlyUids.includes(r.uid)) &&
            !filter.exceptUids?.includes(r.uid),
        );
        return [listed, listed.length];
      },
    ),
  };
  const presence = presenceReaderOf(opts.online, opts.lastActive);
  const roles = { settingsFor: jest.fn(async () => opts.settings ?? DEFAULT_ROLE_SETTINGS) };
  const relationships = {
    friendUids: jest.fn(async () => opts.friends ?? []),
    blocksOf: jest.fn(async (_appId: string, viewer: string) => ({
      blockedByMe: Object.keys(opts.blocks ?? {}).filter((u) => opts.blocks?.[u].blockedByMe),
      hasBlockedMe: Object.keys(opts.blocks ?? {}).filter((u) => opts.blocks?.[u].hasBlockedMe),
      viewer,
    })),
    blockFieldsFor: jest.fn(async (_appId: string, _viewer: string, uids: string[]) => {
      return new Map(
        uids.map((u) => [u, opts.blocks?.[u] ?? { blockedByMe: false, hasBlockedMe: false }]),
      );
    }),
  };
  const service = new UserViewService(
    repo as unknown as UserRepository,
    presence,
    roles as unknown as RoleDirectory,
    relationships as unknown as RelationshipReader,
  );
  return { service, repo, relationships };
}

const secretive = (uid: string) =>
  userRow({ uid, metadata: { '@private': { email: `${uid}@example.com` }, team: 'red' } });

describe('UserViewService', () => {
  it('answers deleted and deactivated users as not found', async () => {
    const { service } = setup({
      rows: [deletedUserRow({ uid: 'dan' }), deactivatedUserRow({ uid: 'dee' })],
    });
    for (const uid of ['dan', 'dee', 'nobody']) {
      await expect(service.get('app1', uid)).rejects.toMatchObject({ code: 'ERR_UID_NOT_FOUND' });
    }
  });

  it('refuses a viewer who is not an active user', async () => {
    const { service } = setup({
      rows: [userRow({ uid: 'bob' }), deactivatedUserRow({ uid: 'dee' })],
    });
    await expect(service.get('app1', 'bob', 'dee')).rejects.toMatchObject({
      code: 'ERR_UID_NOT_FOUND',
    });
    await expect(service.list('app1', {}, PAGE, 'ghost')).rejects.toMatchObject({
      code: 'ERR_UID_NOT_FOUND',
    });
  });

  it("shows the app everything, and hides a user's private metadata from other users only", async () => {
    const { service } = setup({ rows: [secretive('amy'), secretive('bob')] });
    expect((await service.get('app1', 'amy')).metadata).toEqual({
      '@private': { email: 'amy@example.com' },
      team: 'red',
    });
    expect((await service.get('app1', 'amy', 'bob')).metadata).toEqual({ team: 'red' });
    expect((await service.get('app1', 'amy', 'amy')).metadata).toHaveProperty('@private');
  });

  it('gives a viewer the conversation id and block flags of each other user, not of themselves', async () => {
    const blocked = { blockedByMe: true, blockedByMeAt: 100, hasBlockedMe: false, blockedAt: 100 };
    const { service, relationships } = setup({
      rows: [userRow({ uid: 'amy' }), userRow({ uid: 'bob' }), userRow({ uid: 'zed' })],
      blocks: { zed: blocked },
    });
    const page = await service.list('app1', {}, PAGE, 'bob');
    const [amy, bob, zed] = page.items;
    expect(amy).toMatchObject({
      conversationId: 'amy_user_bob',
      blockedByMe: false,
      hasBlockedMe: false,
    });
    expect(bob).not.toHaveProperty('conversationId');
    expect(zed).toMatchObject({ conversationId: 'bob_user_zed', ...blocked });
    expect(relationships.blockFieldsFor).toHaveBeenCalledTimes(1); // one query for the page
  });

  it('lists only friends for a viewer whose role says listUsers: friendsOnly', async () => {
    const { service, repo } = setup({
      rows: [userRow({ uid: 'amy' }), userRow({ uid: 'bob' }), userRow({ uid: 'cat' })],
      settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
      friends: ['cat'],
    });
    expect((await service.list('app1', {}, PAGE, 'bob')).items.map((u) => u.uid)).toEqual(['cat']);
    expect((await service.list('app1', {}, PAGE)).items.map((u) => u.uid)).toEqual([
      'amy',
      'bob',
      'cat',
    ]);
    expect(repo.list.mock.calls[1][1].onlyUids).toBeUndefined();
  });

  it('narrows status=available to the online users (and to friends for friendsOnly)', async () => {
    const { service } = setup({
      rows: [userRow({ uid: 'amy' }), userRow({ uid: 'bob' }), userRow({ uid: 'cat' })],
      settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
      friends: ['amy', 'cat'],
      online: ['bob', 'cat'],
    });
    expect(
      (await service.list('app1', { status: 'available' }, PAGE)).items.map((u) => u.uid),
    ).toEqual(['bob', 'cat']);
    expect(
      (await service.list('app1', { status: 'online' }, PAGE, 'bob')).items.map((u) => u.uid),
    ).toEqual(['cat']);
  });

  it('narrows status=offline to the users who are not online', async () => {
    const { service } = setup({
      rows: [userRow({ uid: 'amy' }), userRow({ uid: 'bob' }), userRow({ uid: 'cat' })],
      online: ['bob'],
    });
    expect(
      (await service.list('app1', { status: 'offline' }, PAGE)).items.map((u) => u.uid),
    ).toEqual(['amy', 'cat']);
  });

  it("shows each user's status and lastActiveAt from presence, else as stored", async () => {
    const { service } = setup({
      rows: [
        userRow({ uid: 'amy', lastActiveAt: new Date(1_700_000_000_000) }),
        userRow({ uid: 'bob' }),
        userRow({ uid: 'cat' }),
      ],
      online: ['bob'],
      lastActive: { bob: 1_800_000_000, cat: 1_790_000_000 },
    });
    const listed = (await service.list('app1', {}, PAGE)).items.map((u) => ({
      uid: u.uid,
      status: u.status,
      lastActiveAt: u.lastActiveAt,
    }));
    expect(listed).toEqual([
      { uid: 'amy', status: 'offline', lastActiveAt: 1_700_000_000 },
      { uid: 'bob', status: 'available', lastActiveAt: 1_800_000_000 },
      { uid: 'cat', status: 'offline', lastActiveAt: 1_790_000_000 },
    ]);
    expect(await service.get('app1', 'bob', 'amy')).toMatchObject({
      status: 'available',
      lastActiveAt: 1_800_000_000,
      conversationId: expect.any(String),
    });
  });

  it('shows a viewer users apart from them by a block as offline, without lastActiveAt', async () => {
    const { service } = setup({
      rows: ['amy', 'bob', 'cat', 'dan'].map((uid) => userRow({ uid })),
      online: ['amy', 'cat', 'dan'],
      lastActive: { amy: 1_800_000_000, cat: 1_800_000_000, dan: 1_800_000_000 },
      blocks: {
        amy: { blockedByMe: true, hasBlockedMe: false },
        cat: { blockedByMe: false, hasBlockedMe: true },
      },
    });
    const seen = (await service.list('app1', {}, PAGE, 'bob')).items;
    expect(seen.map((u) => [u.uid, u.status, u.lastActiveAt])).toEqual([
      ['amy', 'offline', undefined],
      ['bob', 'offline', undefined],
      ['cat', 'offline', undefined],
      ['dan', 'available', 1_800_000_000],
    ]);
    const online = await service.list('app1', { status: 'available' }, PAGE, 'bob');
    expect(online.items.map((u) => u.uid)).toEqual(['dan']);
    const offline = await service.list('app1', { status: 'offline' }, PAGE, 'bob');
    expect(offline.items.map((u) => u.uid)).toEqual(['amy', 'bob', 'cat']);
    expect(await service.get('app1', 'cat', 'bob')).toMatchObject({ status: 'offline' });
    // The app itself sees everyone's presence.
    expect((await service.get('app1', 'cat')).status).toBe('available');
  });

  it('lists tags only with withTags', async () => {
    const { service } = setup({ rows: [userRow({ uid: 'amy', tags: ['x'] })] });
    expect((await service.list('app1', {}, PAGE)).items[0]).not.toHaveProperty('tags');
    expect((await service.list('app1', { withTags: true }, PAGE)).items[0].tags).toEqual(['x']);
  });
});
