import { Clock, Outbox, Transactor } from '@parley/common';
import { domainErrorOf, presenceReaderOf } from '@parley/common/testing';
import { MemberAdd, MemberListRequest, PageQuery, User } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { GroupEntity } from '../groups/group.entity';
import { GroupPasswords } from '../groups/group-passwords';
import { GroupRepository } from '../groups/group.repository';
import { groupRow, memberRow, seconds, T0, T1 } from '../testing/group.factory';
import { BanEntity } from './ban.entity';
import { MemberEntity, MemberScope } from './member.entity';
import { MemberListFilter, MemberRepository } from './member.repository';
import { MembershipService } from './membership.service';
import { UserDirectory } from './user-directory';

const TX = {} as EntityManager;
/** Rows as a query returns them: copies, never the stored object. */
const copy = (m: MemberEntity | undefined) => (m ? { ...m } : null);
const PAGE: PageQuery = { page: 1, perPage: 100 };
const DEFAULT_MEMBERS: Record<string, MemberScope> = {
  owner: 'admin',
  admin: 'admin',
  mod: 'moderator',
  part: 'participant',
};

/** A user as the users service returns it. */
const userOf = (uid: string): User => ({
  uid,
  name: `Name ${uid}`,
  role: 'default',
  status: 'offline',
  createdAt: seconds(T0),
});

/**
 * The service over an in-memory store: `members` (uid -> scope) of group g1, owned by `owner`
 * (an admin member), `bans`, and the `active` users. The repositories read and write the store, so
 * a test sees what a change did.
 */
function setup(
  opts: {
    group?: Partial<GroupEntity> | null;
    members?: Record<string, MemberScope>;
    bans?: string[];
    active?: string[];
    passwordOk?: boolean;
    online?: string[];
    apartByBlock?: string[];
  } = {},
) {
  const store = new Map<string, MemberEntity>(
    Object.entries(opts.members ?? DEFAULT_MEMBERS).map(([uid, scope]) => [
      uid,
      memberRow({ uid, scope }),
    ]),
  );
  const bans = new Map<string, BanEntity>(
    (opts.bans ?? []).map((uid) => [
      uid,
      { appId: 'app1', guid: 'g1', uid, bannedBy: 'owner', bannedAt: T0 },
    ]),
  );
  const group: GroupEntity | null =
    opts.group === null ? null : groupRow({ membersCount: store.size, ...opts.group });
  const active = new Set(
    opts.active ?? ['owner', 'admin', 'mod', 'part', 'alice', 'bob', 'carol', 'dave'],
  );

  const groups = {
    find: jest.fn(async () => (group ? { ...group } : null)),
    lock: jest.fn(async () => (group ? { ...group } : null)),
    adjustMembersCount: jest.fn(async (_tx: EntityManager, _a: string, _g: string, d: number) => {
      if (group) group.membersCount += d;
    }),
    update: jest.fn(async (_tx: EntityManager, g: GroupEntity) => {
      if (group)
        Object.assign(group, { owner: g.owner, updatedAt: g.updatedAt, updatedBy: g.updatedBy });
    }),
  };
  const members = {
    find: jest.fn(async (_a: string, _g: string, uid: string) => copy(store.get(uid))),
    findMany: jest.fn(async (_tx: EntityManager, _a: string, _g: string, uids: string[]) =>
      uids.flatMap((u) => (store.has(u) ? [copy(store.get(u))!] : [])),
    ),
    findBans: jest.fn(async (_tx: EntityManager, _a: string, _g: string, uids: string[]) =>
      uids.flatMap((u) => (bans.has(u) ? [bans.get(u)!] : [])),
    ),
    insertMany: jest.fn(async (_tx: EntityManager, rows: MemberEntity[]) =>
      rows.filter((r) => !store.has(r.uid)).map((r) => (store.set(r.uid, { ...r }), r.uid)),
    ),
    setScope: jest.fn(
      async (_tx: EntityManager, _a: string, _g: string, uid: string, scope: MemberScope) => {
        store.get(uid)!.scope = scope;
      },
    ),
    delete: jest.fn(async (_tx: EntityManager, _a: string, _g: string, uid: string) =>
      store.delete(uid),
    ),
    isBanned: jest.fn(async (_a: string, _g: string, uid: string) => bans.has(uid)),
    insertBan: jest.fn(async (_tx: EntityManager, ban: BanEntity) => {
      if (bans.has(ban.uid)) return false;
      bans.set(ban.uid, ban);
      return true;
    }),
    deleteBan: jest.fn(async (_tx: EntityManager, _a: string, _g: string, uid: string) =>
      bans.delete(uid),
    ),
    list: jest.fn(async (_a: string, _g: string, f: MemberListFilter, _p: PageQuery) =>
      [...store.values()]
        .filter(
          (m) => (!f.onlyUids || f.onlyUids.includes(m.uid)) && !f.exceptUids?.includes(m.uid),
        )
        .sort((x, y) => (x.uid < y.uid ? -1 : 1)),
    ),
    count: jest.fn(async () => 2),
    listBans: jest.fn(async (): Promise<[BanEntity[], number]> => [[...bans.values()], bans.size]),
  };
  const users = {
    activeUsers: jest.fn(
      async (_appId: string, uids: string[]) =>
        new Map(uids.filter((u) => active.has(u)).map((u) => [u, userOf(u)])),
    ),
    apartByBlock: jest.fn(async () => new Set(opts.apartByBlock ?? [])),
  };
  const passwords = { verify: jest.fn(async () => opts.passwordOk ?? true) };
  const transactor = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => seconds(T1) };
  const presence = presenceReaderOf(opts.online);
  const service = new MembershipService(
    groups as unknown as GroupRepository,
    members as unknown as MemberRepository,
    users as unknown as UserDirectory,
    passwords as unknown as GroupPasswords,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
    presence,
  );
  /** The events staged, as [name, payload]. */
  const staged = () =>
    (
      outbox.stage.mock.calls as unknown as Array<
        [unknown, { name: string }, string, Record<string, unknown>]
      >
    ).map(([, def, , body]) => [def.name, body] as const);
  const scopes = () => Object.fromEntries([...store].map(([uid, m]) => [uid, m.scope]));
  return { service, group, store, bans, groups, members, users, passwords, outbox, staged, scopes };
}

const addInput = (over: Partial<MemberAdd>): MemberAdd =>
  ({ appId: 'app1', guid: 'g1', ...over }) as MemberAdd;
const failed = (code: string) => ({ success: false, error: { code, message: expect.any(String) } });
const OK = { success: true };

describe('MembershipService', () => {
  describe('add', () => {
    it('adds each uid with its scope, counts them and stages member.added with the new count', async () => {
      const { service, staged, scopes, group, groups, users } = setup();
      const reply = await service.add(
        addInput({ admins: ['alice'], moderators: ['bob'], participants: ['carol'] }),
      );
      expect(reply).toEqual({
        admins: { alice: OK },
        moderators: { bob: OK },
        participants: { carol: OK },
      });
      expect(scopes()).toMatchObject({ alice: 'admin', bob: 'moderator', carol: 'participant' });
      expect(groups.adjustMembersCount).toHaveBeenCalledWith(TX, 'app1', 'g1', 3);
      expect(group!.membersCount).toBe(7);
      expect(users.activeUsers).toHaveBeenCalledTimes(1);
      expect(staged()).toEqual([
        [
          'member.added',
          expect.objectContaining({
            guid: 'g1',
            actor: 'app_system',
            uid: 'alice',
            scope: 'admin',
            joinedAt: seconds(T1),
            group: expect.objectContaining({ guid: 'g1', membersCount: 7, owner: 'owner' }),
          }),
        ],
        ['member.added', expect.objectContaining({ uid: 'bob', scope: 'moderator' })],
        ['member.added', expect.objectContaining({ uid: 'carol', scope: 'participant' })],
      ]);
    });

    it('gives a uid in several arrays the highest scope, answering it in each array', async () => {
      const { service, scopes, staged } = setup();
      const reply = await service.add(
        addInput({ participants: ['alice'], moderators: ['alice'], admins: ['alice'] }),
      );
      expect(reply).toEqual({
        admins: { alice: OK },
        moderators: { alice: OK },
        participants: { alice: OK },
      });
      expect(scopes().alice).toBe('admin');
      expect(staged()).toHaveLength(1);
    });

    it('refuses per uid: unknown, already a member, banned, and named for a ban too', async () => {
      const { service, store } = setup({ bans: ['bob'] });
      const reply = await service.add(
        addInput({
          participants: ['ghost', 'part', 'bob', 'carol', 'dave'],
          usersToBan: ['carol'],
        }),
      );
      expect(reply.participants).toEqual({
        ghost: failed('ERR_UID_NOT_FOUND'),
        part: failed('ERR_ALREADY_JOINED'),
        bob: failed('ERR_BANNED_GROUPMEMBER'),
        carol: failed('ERR_BANNED_GROUPMEMBER'),
        dave: OK,
      });
      expect(reply.usersToBan).toEqual({ carol: OK });
      expect(store.has('dave')).toBe(true);
      expect(store.has('carol')).toBe(false);
    });

    it('bans members and non-members, removing memberships and moving the count once', async () => {
      const { service, staged, bans, group, groups } = setup();
      const reply = await service.add(
        addInput({ usersToBan: ['part', 'alice'], participants: ['bob'] }),
      );
      expect(reply.usersToBan).toEqual({ part: OK, alice: OK });
      expect([...bans.keys()]).toEqual(['part', 'alice']);
      expect(groups.adjustMembersCount).toHaveBeenCalledWith(TX, 'app1', 'g1', 0);
      expect(group!.membersCount).toBe(4);
      expect(staged().map(([n, b]) => [n, b.uid, b.scope])).toEqual([
        ['member.banned', 'part', 'participant'],
        ['member.banned', 'alice', null],
        ['member.added', 'bob', 'participant'],
      ]);
    });

    it('holds bans to the kick/ban rules and refuses a second ban', async () => {
      const { service } = setup({ bans: ['carol'] });
      const reply = await service.add(
        addInput({ actor: 'admin', usersToBan: ['owner', 'admin', 'mod', 'carol'] }),
      );
      expect(reply.usersToBan).toEqual({
        owner: failed('ERR_GROUP_NO_SCOPE_CLEARANCE'),
        admin: failed('ERR_GROUP_NO_SELF_ACTION'),
        mod: OK,
        carol: failed('ERR_ALREADY_BANNED'),
      });
    });

    it('needs the admin scope: a moderator is refused and nothing changes', async () => {
      const { service, members } = setup();
      const err = await domainErrorOf(
        service.add(addInput({ actor: 'mod', participants: ['alice'] })),
      );
      expect(err.code).toBe('ERR_GROUP_NO_ADMIN_SCOPE');
      expect(members.insertMany).not.toHaveBeenCalled();
    });

    it('refuses a missing group with ERR_GUID_NOT_FOUND', async () => {
      const { service } = setup({ group: null });
      const err = await domainErrorOf(service.add(addInput({ participants: ['alice'] })));
      expect(err.code).toBe('ERR_GUID_NOT_FOUND');
    });

    it('refuses uids past the group size limit with ERR_NO_VACANCY', async () => {
      const { service } = setup({ group: { membersCount: 99_999 } });
      const reply = await service.add(addInput({ participants: ['alice', 'bob'] }));
      expect(reply.participants).toEqual({ alice: OK, bob: failed('ERR_NO_VACANCY') });
    });
  });

  describe('join', () => {
    it('joins a public group as a participant and answers the group as the member sees it', async () => {
      const { service, staged, group } = setup();
      const reply = await service.join('app1', 'g1', 'alice');
      expect(reply).toMatchObject({
        guid: 'g1',
        hasJoined: true,
        scope: 'participant',
        joinedAt: seconds(T1),
        membersCount: 5,
      });
      expect(group!.membersCount).toBe(5);
      expect(staged()).toEqual([
        [
          'member.joined',
          expect.objectContaining({ actor: 'alice', uid: 'alice', scope: 'participant' }),
        ],
      ]);
    });

    it.each([
      ['a member', {}, 'part', undefined, 'ERR_ALREADY_JOINED'],
      ['a banned user', { bans: ['alice'] }, 'alice', undefined, 'ERR_BANNED_GROUPMEMBER'],
      [
        'a private group',
        { group: { type: 'private' as const } },
        'alice',
        undefined,
        'ERR_GROUP_JOIN_NOT_ALLOWED',
      ],
      [
        'no password',
        { group: { type: 'password' as const, passwordHash: 'h' } },
        'alice',
        undefined,
        'ERR_EMPTY_GROUP_PASS',
      ],
      [
        'a wrong password',
        { group: { type: 'password' as const, passwordHash: 'h' }, passwordOk: false },
        'alice',
        'nope',
        'ERR_WRONG_GROUP_PASS',
      ],
      ['an unknown user', {}, 'ghost', undefined, 'ERR_UID_NOT_FOUND'],
      ['a missing group', { group: null }, 'alice', undefined, 'ERR_GUID_NOT_FOUND'],
      ['a full group', { group: { membersCount: 100_000 } }, 'alice', undefined, 'ERR_NO_VACANCY'],
    ])('refuses %s', async (_name, opts, uid, password, code) => {
      const { service, staged } = setup(opts as Parameters<typeof setup>[0]);
      expect((await domainErrorOf(service.join('app1', 'g1', uid, password))).code).toBe(code);
      expect(staged()).toEqual([]);
    });

    it('checks a password before taking the lock, and again only when the hash changed meanwhile', async () => {
      const { service, passwords } = setup({ group: { type: 'password', passwordHash: 'h' } });
      await service.join('app1', 'g1', 'alice', 'secret');
      expect(passwords.verify).toHaveBeenCalledTimes(1);
      expect(passwords.verify).toHaveBeenCalledWith('h', 'secret');
    });
  });

  describe('leave', () => {
    it('removes the member, moves the count and stages member.left with the scope they had', async () => {
      const { service, staged, store, group } = setup();
      expect(await service.leave('app1', 'g1', 'mod')).toMatchObject({ success: true });
      expect(store.has('mod')).toBe(false);
      expect(group!.membersCount).toBe(3);
      expect(staged()).toEqual([
        [
          'member.left',
          expect.objectContaining({
            actor: 'mod',
            uid: 'mod',
            scope: 'moderator',
            group: expect.objectContaining({ membersCount: 3 }),
          }),
        ],
      ]);
    });

    it('refuses the owner (ERR_GROUP_NO_CLEARANCE) and a non-member (ERR_GROUP_NOT_JOINED)', async () => {
      const { service } = setup();
      expect((await domainErrorOf(service.leave('app1', 'g1', 'owner'))).code).toBe(
        'ERR_GROUP_NO_CLEARANCE',
      );
      expect((await domainErrorOf(service.leave('app1', 'g1', 'alice'))).code).toBe(
        'ERR_GROUP_NOT_JOINED',
      );
    });
  });

  describe('setScope', () => {
    it('changes the scope and stages member.scopeChanged with old and new', async () => {
      const { service, staged } = setup();
      const reply = await service.setScope('app1', 'g1', 'admin', 'part', 'moderator');
      expect(reply).toEqual({ guid: 'g1', uid: 'part', scope: 'moderator', joinedAt: seconds(T0) });
      expect(staged()).toEqual([
        [
          'member.scopeChanged',
          expect.objectContaining({
            actor: 'admin',
            uid: 'part',
            scope: 'moderator',
            oldScope: 'participant',
            newScope: 'moderator',
          }),
        ],
      ]);
    });

    it('refuses a target who is not a member with ERR_NOT_A_MEMBER, but a non-member actor with ERR_GROUP_NOT_JOINED', async () => {
      const { service } = setup();
      expect(
        (await domainErrorOf(service.setScope('app1', 'g1', 'admin', 'alice', 'admin'))).code,
      ).toBe('ERR_NOT_A_MEMBER');
      expect(
        (await domainErrorOf(service.setScope('app1', 'g1', 'bob', 'alice', 'admin'))).code,
      ).toBe('ERR_GROUP_NOT_JOINED');
    });

    it('applies the matrix: an admin cannot change another admin, nobody the same scope', async () => {
      const { service } = setup({
        members: { owner: 'admin', admin: 'admin', a2: 'admin', part: 'participant' },
      });
      expect(
        (await domainErrorOf(service.setScope('app1', 'g1', 'admin', 'a2', 'participant'))).code,
      ).toBe('ERR_GROUP_NO_SCOPE_CLEARANCE');
      expect(
        (await domainErrorOf(service.setScope('app1', 'g1', undefined, 'part', 'participant')))
          .code,
      ).toBe('ERR_SAME_SCOPE');
    });
  });

  describe('kick', () => {
    it('removes the member and stages member.kicked', async () => {
      const { service, staged, store } = setup();
      expect(await service.kick('app1', 'g1', 'mod', 'part')).toMatchObject({ success: true });
      expect(store.has('part')).toBe(false);
      expect(staged()).toEqual([
        [
          'member.kicked',
          expect.objectContaining({
            actor: 'mod',
            uid: 'part',
            scope: 'participant',
            group: expect.objectContaining({ membersCount: 3 }),
          }),
        ],
      ]);
    });

    it('refuses kicking the owner, even for the app', async () => {
      const { service } = setup();
      expect((await domainErrorOf(service.kick('app1', 'g1', undefined, 'owner'))).code).toBe(
        'ERR_GROUP_NO_SCOPE_CLEARANCE',
      );
      expect((await domainErrorOf(service.kick('app1', 'g1', 'admin', 'owner'))).code).toBe(
        'ERR_GROUP_NO_SCOPE_CLEARANCE',
      );
    });
  });

  describe('ban and unban', () => {
    it('bans a member: the membership goes, the count moves, member.banned carries the old scope', async () => {
      const { service, staged, store, bans, group } = setup();
      expect(await service.ban('app1', 'g1', 'admin', 'mod')).toMatchObject({ success: true });
      expect(store.has('mod')).toBe(false);
      expect(bans.get('mod')).toMatchObject({ bannedBy: 'admin', bannedAt: T1 });
      expect(group!.membersCount).toBe(3);
      expect(staged()).toEqual([
        [
          'member.banned',
          expect.objectContaining({
            actor: 'admin',
            uid: 'mod',
            scope: 'moderator',
            joinedAt: seconds(T0),
            bannedAt: seconds(T1),
          }),
        ],
      ]);
    });

    it('bans a user who is not a member (a moderator may), with scope and joinedAt null', async () => {
      const { service, staged, group } = setup();
      await service.ban('app1', 'g1', 'mod', 'alice');
      expect(group!.membersCount).toBe(4);
      expect(staged()).toEqual([
        ['member.banned', expect.objectContaining({ uid: 'alice', scope: null, joinedAt: null })],
      ]);
    });

    it('refuses a second ban, an unknown user and a participant banning', async () => {
      const { service } = setup({ bans: ['alice'] });
      expect((await domainErrorOf(service.ban('app1', 'g1', 'mod', 'alice'))).code).toBe(
        'ERR_ALREADY_BANNED',
      );
      expect((await domainErrorOf(service.ban('app1', 'g1', 'mod', 'ghost'))).code).toBe(
        'ERR_UID_NOT_FOUND',
      );
      expect((await domainErrorOf(service.ban('app1', 'g1', 'part', 'bob'))).code).toBe(
        'ERR_GROUP_NO_MODERATOR_SCOPE',
      );
    });

    it('unbans, and refuses a user who is not banned with ERR_NOT_A_BANNED_USER', async () => {
      const { service, staged, bans } = setup({ bans: ['alice'] });
      expect(await service.unban('app1', 'g1', 'mod', 'alice')).toMatchObject({ success: true });
      expect(bans.size).toBe(0);
      expect(staged()).toEqual([
        ['member.unbanned', expect.objectContaining({ actor: 'mod', uid: 'alice' })],
      ]);
      expect((await domainErrorOf(service.unban('app1', 'g1', 'mod', 'alice'))).code).toBe(
        'ERR_NOT_A_BANNED_USER',
      );
      expect((await domainErrorOf(service.unban('app1', 'g1', 'part', 'alice'))).code).toBe(
        'ERR_GROUP_NO_MODERATOR_SCOPE',
      );
    });
  });

  describe('transferOwnership', () => {
    it('makes a member the owner and an admin; the old owner stays an admin', async () => {
      const { service, staged, scopes, group } = setup();
      const reply = await service.transferOwnership('app1', 'g1', 'owner', 'part');
      expect(reply).toMatchObject({
        owner: 'part',
        scope: 'admin',
        hasJoined: true,
        updatedBy: 'owner',
      });
      expect(group!.owner).toBe('part');
      expect(scopes()).toMatchObject({ owner: 'admin', part: 'admin' });
      expect(staged()).toEqual([
        [
          'member.scopeChanged',
          expect.objectContaining({
            actor: 'owner',
            uid: 'part',
            oldScope: 'participant',
            newScope: 'admin',
            scope: 'admin',
          }),
        ],
        [
          'group.ownerChanged',
          expect.objectContaining({
            actor: 'owner',
            uid: 'part',
            oldOwner: 'owner',
            scope: 'admin',
            group: expect.objectContaining({ owner: 'part' }),
          }),
        ],
      ]);
    });

    it('stages no scope change when the new owner is an admin already', async () => {
      const { service, staged } = setup();
      await service.transferOwnership('app1', 'g1', undefined, 'admin');
      expect(staged().map(([n]) => n)).toEqual(['group.ownerChanged']);
    });

    it('refuses anyone but the owner, a non-member and the owner themself', async () => {
      const { service } = setup();
      expect(
        (await domainErrorOf(service.transferOwnership('app1', 'g1', 'admin', 'part'))).code,
      ).toBe('ERR_GROUP_NO_CLEARANCE');
      expect(
        (await domainErrorOf(service.transferOwnership('app1', 'g1', 'owner', 'alice'))).code,
      ).toBe('ERR_NOT_A_MEMBER');
      expect(
        (await domainErrorOf(service.transferOwnership('app1', 'g1', 'owner', 'owner'))).code,
      ).toBe('ERR_BAD_REQUEST');
    });
  });

  describe('list', () => {
    const listReq = (over: Partial<MemberListRequest> = {}): MemberListRequest =>
      ({ appId: 'app1', guid: 'g1', page: 1, perPage: 100, ...over }) as MemberListRequest;

    it('renders a page with one users look-up, leaving out users since deleted', async () => {
      const { service, users, members } = setup({ active: ['owner', 'admin', 'part'] });
      const page = await service.list(listReq({ viewer: 'part' }));
      expect(page.items.map((m) => [m.uid, m.scope])).toEqual([
        ['admin', 'admin'],
        ['owner', 'admin'],
        ['part', 'participant'],
      ]);
      expect(page.items[0]).toMatchObject({ name: 'Name admin', joinedAt: seconds(T0) });
      expect(page.pagination).toMatchObject({ total: 4, count: 3 });
      expect(users.activeUsers).toHaveBeenCalledTimes(1);
      expect(members.count).not.toHaveBeenCalled(); // unfiltered: membersCount is the total
    });

    it('counts when filtered, and passes the filter and the cursor on', async () => {
      const { service, members } = setup();
      const page = await service.list(listReq({ scopes: ['admin'], searchKey: 'AD', after: 'a' }));
      expect(members.list).toHaveBeenCalledWith(
        'app1',
        'g1',
        { scopes: ['admin'], uidPrefix: 'ad', after: 'a' },
        PAGE,
      );
      expect(page.pagination.total).toBe(2);
    });

    it('shows members to members only', async () => {
      const { service } = setup();
      expect((await domainErrorOf(service.list(listReq({ viewer: 'alice' })))).code).toBe(
        'ERR_GROUP_NOT_JOINED',
      );
      expect((await domainErrorOf(service.listBanned('app1', 'g1', 'alice', PAGE))).code).toBe(
        'ERR_GROUP_NOT_JOINED',
      );
    });

    it('narrows to the online members with status=available, the others with offline', async () => {
      const { service, members } = setup({ online: ['part', 'nobody-else'] });
      const available = await service.list(listReq({ status: 'available' }));
      expect(available.items.map((m) => [m.uid, m.status])).toEqual([['part', 'available']]);
      expect(members.count).toHaveBeenCalled(); // the group's member count is not the total
      const offline = await service.list(listReq({ status: 'offline' }));
      expect(offline.items.map((m) => m.uid)).not.toContain('part');
      expect(offline.items.every((m) => m.status === 'offline')).toBe(true);
      const all = await service.list(listReq());
      expect(all.items.find((m) => m.uid === 'part')?.status).toBe('available');
    });

    it('shows a viewer members apart from them by a block as offline', async () => {
      const { service } = setup({ online: ['owner', 'admin'], apartByBlock: ['admin'] });
      const seen = await service.list(listReq({ viewer: 'part' }));
      expect(seen.items.map((m) => [m.uid, m.status])).toEqual([
        ['admin', 'offline'],
        ['mod', 'offline'],
        ['owner', 'available'],
        ['part', 'offline'],
      ]);
      const online = await service.list(listReq({ viewer: 'part', status: 'available' }));
      expect(online.items.map((m) => m.uid)).toEqual(['owner']);
      const offline = await service.list(listReq({ viewer: 'part', status: 'offline' }));
      expect(offline.items.map((m) => m.uid)).toContain('admin');
    });

    it('lists banned users with isBanned and bannedAt', async () => {
      const { service } = setup({ bans: ['alice'] });
      const page = await service.listBanned('app1', 'g1', undefined, PAGE);
      expect(page.items).toEqual([
        expect.objectContaining({ uid: 'alice', isBanned: true, bannedAt: seconds(T0) }),
      ]);
    });
  });
});
