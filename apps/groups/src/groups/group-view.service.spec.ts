import { Clock } from '@parley/common';
import { PageQuery, User } from '@parley/contracts';
import { MemberEntity } from '../members/member.entity';
import { MemberRepository } from '../members/member.repository';
import { UserDirectory } from '../members/user-directory';
import { groupRow, memberRow, seconds, T0, T1 } from '../testing/group.factory';
import { GroupEntity } from './group.entity';
import { GroupListRequest, GroupViewService } from './group-view.service';
import { GroupListFilter, GroupRepository } from './group.repository';

const PAGE: PageQuery = { page: 1, perPage: 10 };

function setup(
  opts: { rows?: GroupEntity[]; memberships?: MemberEntity[]; active?: string[] } = {},
) {
  const rows = opts.rows ?? [groupRow()];
  const memberships = opts.memberships ?? [];
  const active = new Set(opts.active ?? ['alice', 'owner']);
  const groups = {
    find: jest.fn(
      async (_appId: string, guid: string) => rows.find((r) => r.guid === guid) ?? null,
    ),
    list: jest.fn(
      async (
        _appId: string,
        _f: GroupListFilter,
        _p: PageQuery,
      ): Promise<[GroupEntity[], number]> => [rows, rows.length],
    ),
    viewerMemberships: jest.fn(async (_appId: string, uid: string, guids: string[]) =>
      memberships.filter((m) => m.uid === uid && guids.includes(m.guid)),
    ),
  };
  const members = {
    find: jest.fn(
      async (_appId: string, guid: string, uid: string) =>
        memberships.find((m) => m.guid === guid && m.uid === uid) ?? null,
    ),
  };
  const users = {
    activeUsers: jest.fn(
      async (_appId: string, uids: string[]) =>
        new Map(uids.filter((u) => active.has(u)).map((u) => [u, { uid: u } as User])),
    ),
  };
  const clock = { now: () => T1, nowSeconds: () => seconds(T1) };
  const service = new GroupViewService(
    groups as unknown as GroupRepository,
    members as unknown as MemberRepository,
    users as unknown as UserDirectory,
    clock as Clock,
  );
  const filterOf = () => groups.list.mock.calls[0][1];
  return { service, groups, members, users, filterOf };
}

const list = (q: GroupListRequest = {} as GroupListRequest) => q;

describe('GroupViewService', () => {
  describe('get', () => {
    it('shows the app any group, without viewer fields', async () => {
      const { service } = setup({ rows: [groupRow({ type: 'private' })] });
      const group = await service.get('app1', 'g1');
      expect(group).toMatchObject({ guid: 'g1', type: 'private' });
      expect(group).not.toHaveProperty('hasJoined');
    });

    it('shows a viewer their scope, hasJoined and joinedAt, or hasJoined false', async () => {
      const { service } = setup({ memberships: [memberRow({ uid: 'alice', scope: 'moderator' })] });
      expect(await service.get('app1', 'g1', 'alice')).toMatchObject({
        scope: 'moderator',
        hasJoined: true,
        joinedAt: seconds(T0),
      });
      const other = setup({ active: ['bob'] });
      const seen = await other.service.get('app1', 'g1', 'bob');
      expect(seen.hasJoined).toBe(false);
      expect(seen).not.toHaveProperty('scope');
    });

    it('answers ERR_GROUP_NOT_JOINED to a viewer outside a private group, not its details', async () => {
      const { service } = setup({ rows: [groupRow({ type: 'private' })] });
      await expect(service.get('app1', 'g1', 'alice')).rejects.toMatchObject({
        code: 'ERR_GROUP_NOT_JOINED',
      });
      const member = setup({
        rows: [groupRow({ type: 'private' })],
        memberships: [memberRow({ uid: 'alice', scope: 'participant' })],
      });
      await expect(member.service.get('app1', 'g1', 'alice')).resolves.toMatchObject({
        hasJoined: true,
      });
    });

    it('answers ERR_GUID_NOT_FOUND for a missing group and ERR_UID_NOT_FOUND for an unknown viewer', async () => {
      const { service } = setup();
      await expect(service.get('app1', 'nope')).rejects.toMatchObject({
        code: 'ERR_GUID_NOT_FOUND',
      });
      await expect(service.get('app1', 'g1', 'ghost')).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
    });
  });

  describe('list', () => {
    it('pages by guid ascending by default, searching guid and name, tags only when asked', async () => {
      const { service, filterOf } = setup({ rows: [groupRow({ tags: ['vip'] })] });
      const page = await service.list('app1', list(), PAGE);
      expect(filterOf()).toEqual({
        searchKey: undefined,
        searchIn: ['guid', 'name'],
        types: [],
        tags: undefined,
        viewer: undefined,
        joinedBy: undefined,
        order: { by: 'guid', dir: 'ASC' },
      });
      expect(page.items[0]).not.toHaveProperty('tags');
      expect(page).not.toHaveProperty('cursor');
      expect(page.pagination).toEqual({
        total: 1,
        count: 1,
        per_page: 10,
        current_page: 1,
        total_pages: 1,
      });
      const tagged = await service.list('app1', list({ withTags: true } as GroupListRequest), PAGE);
      expect(tagged.items[0].tags).toEqual(['vip']);
    });

    it('passes filters and the sort order through', async () => {
      const { service, filterOf } = setup();
      await service.list(
        'app1',
        list({
          searchKey: 'ab',
          searchIn: ['name'],
          type: 'public',
          types: ['password'],
          tags: ['x'],
          sortBy: 'name',
          sortOrder: 'desc',
        } as GroupListRequest),
        PAGE,
      );
      expect(filterOf()).toMatchObject({
        searchKey: 'ab',
        searchIn: ['name'],
        types: ['public', 'password'],
        tags: ['x'],
        order: { by: 'name', dir: 'DESC' },
      });
    });

    it("lists the viewer's own groups with hasJoined, and refuses hasJoined without a viewer", async () => {
      const { service, filterOf } = setup();
      await service.list('app1', list({ hasJoined: true } as GroupListRequest), PAGE, 'alice');
      expect(filterOf()).toMatchObject({ viewer: 'alice', joinedBy: 'alice' });
      await expect(
        service.list('app1', list({ hasJoined: true } as GroupListRequest), PAGE),
      ).rejects.toMatchObject({
        code: 'ERR_BAD_REQUEST',
        details: { hasJoined: expect.any(Array) },
      });
    });

    it("adds the viewer's fields to each group from one memberships query per page", async () => {
      const { service, groups } = setup({
        rows: [groupRow({ guid: 'a' }), groupRow({ guid: 'b' }), groupRow({ guid: 'c' })],
        memberships: [memberRow({ guid: 'b', uid: 'alice', scope: 'participant' })],
      });
      const page = await service.list('app1', list(), PAGE, 'alice');
      expect(groups.viewerMemberships).toHaveBeenCalledTimes(1);
      expect(groups.viewerMemberships).toHaveBeenCalledWith('app1', 'alice', ['a', 'b', 'c']);
      expect(page.items.map((g) => [g.guid, g.hasJoined, g.scope])).toEqual([
        ['a', false, undefined],
        ['b', true, 'participant'],
        ['c', false, undefined],
      ]);
    });

    it('refuses an unknown viewer', async () => {
      const { service } = setup();
      await expect(service.list('app1', list(), PAGE, 'ghost')).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
    });

    it('orders by updatedAt in cursor mode, bounds inclusive to the second, and answers the next cursor', async () => {
      const last = new Date(T0.getTime() + 5_500);
      const { service, filterOf } = setup({
        rows: [groupRow({ updatedAt: T0 }), groupRow({ updatedAt: last })],
      });
      const appended = await service.list(
        'app1',
        list({ affix: 'append', updatedAt: 1000 } as GroupListRequest),
        PAGE,
      );
      expect(filterOf()).toMatchObject({
        order: { by: 'updatedAt', dir: 'ASC' },
        updated: { from: new Date(1_000_000) },
      });
      expect(appended.cursor).toEqual({ updatedAt: seconds(last), affix: 'append' });

      const prepend = setup({ rows: [] });
      const older = await prepend.service.list(
        'app1',
        list({ updatedAt: 1000 } as GroupListRequest),
        PAGE,
      );
      expect(prepend.filterOf()).toMatchObject({
        order: { by: 'updatedAt', dir: 'DESC' },
        updated: { until: new Date(1_001_000) },
      });
      expect(older.cursor).toEqual({ updatedAt: 1000, affix: 'prepend' });

      const newest = setup({ rows: [] });
      const fromNow = await newest.service.list(
        'app1',
        list({ affix: 'prepend' } as GroupListRequest),
        PAGE,
      );
      expect(newest.filterOf().updated).toBeUndefined();
      expect(fromNow.cursor).toEqual({ updatedAt: seconds(T1), affix: 'prepend' });
    });
  });
});
