import { Clock, Outbox, Transactor } from '@parley/common';
import { MemberImportItem, User } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { GroupEntity } from '../groups/group.entity';
import { GroupRepository } from '../groups/group.repository';
import { groupRow, memberRow, seconds, T0, T1 } from '../testing/group.factory';
import { BanEntity } from './ban.entity';
import { MemberEntity } from './member.entity';
import { MemberImportService } from './member-import.service';
import { MemberRepository } from './member.repository';
import { UserDirectory } from './user-directory';

const TX = {} as EntityManager;

/** The service over an in-memory group g1 (owner `owner`) with `members` and `bans`. */
function setup(opts: { members?: MemberEntity[]; bans?: string[] } = {}) {
  const group: GroupEntity = groupRow({ membersCount: (opts.members ?? [memberRow()]).length });
  const store = new Map((opts.members ?? [memberRow()]).map((m) => [m.uid, { ...m }]));
  const bans = new Map<string, BanEntity>(
    (opts.bans ?? []).map((uid) => [
      uid,
      { appId: 'app1', guid: 'g1', uid, bannedBy: 'app_system', bannedAt: T0 },
    ]),
  );
  const groups = {
    lock: jest.fn(async (_tx: EntityManager, _a: string, guid: string) =>
      guid === 'g1' ? { ...group } : null,
    ),
    adjustMembersCount: jest.fn(async (_tx: EntityManager, _a: string, _g: string, d: number) => {
      group.membersCount += d;
    }),
  };
  const members = {
    find: jest.fn(async (_a: string, _g: string, uid: string) =>
      store.has(uid) ? { ...store.get(uid)! } : null,
    ),
    findBans: jest.fn(async (_tx: EntityManager, _a: string, _g: string, uids: string[]) =>
      uids.flatMap((u) => (bans.has(u) ? [bans.get(u)!] : [])),
    ),
    insertMany: jest.fn(async (_tx: EntityManager, rows: MemberEntity[]) =>
      rows.map((r) => (store.set(r.uid, { ...r }), r.uid)),
    ),
    update: jest.fn(async (_tx: EntityManager, row: MemberEntity) => {
      store.set(row.uid, { ...row });
    }),
    delete: jest.fn(async (_tx: EntityManager, _a: string, _g: string, uid: string) =>
      store.delete(uid),
    ),
    insertBan: jest.fn(async (_tx: EntityManager, ban: BanEntity) => {
      bans.set(ban.uid, ban);
      return true;
    }),
  };
  const users = {
    activeUsers: jest.fn(
      async (_appId: string, uids: string[]) =>
        new Map(uids.filter((u) => u !== 'ghost').map((u) => [u, { uid: u } as User])),
    ),
  };
  const transactor = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => seconds(T1) };
  const service = new MemberImportService(
    groups as unknown as GroupRepository,
    members as unknown as MemberRepository,
    users as unknown as UserDirectory,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
  );
  const staged = () =>
    (
      outbox.stage.mock.calls as unknown as Array<
        [unknown, { name: string }, string, Record<string, unknown>]
      >
    ).map(([, def, , body]) => [def.name, body] as const);
  return { service, group, store, bans, staged };
}

const item = (over: Partial<MemberImportItem>): MemberImportItem =>
  ({ guid: 'g1', uid: 'alice', scope: 'participant', ...over }) as MemberImportItem;
const failed = (code: string) => ({ success: false, error: { code, message: expect.any(String) } });

describe('MemberImportService', () => {
  it('adds memberships keyed by <guid>_member_<uid>, staging member.added marked imported', async () => {
    const { service, group, staged } = setup();
    const reply = await service.import('app1', [
      item({ uid: 'alice', scope: 'moderator', joinedAt: 1_600_000_000 }),
      item({ uid: 'bob' }),
    ]);
    expect(reply).toEqual({
      g1_member_alice: {
        success: true,
        data: {
          guid: 'g1',
          uid: 'alice',
          isBanned: false,
          scope: 'moderator',
          joinedAt: 1_600_000_000,
        },
      },
      g1_member_bob: {
        success: true,
        data: {
          guid: 'g1',
          uid: 'bob',
          isBanned: false,
          scope: 'participant',
          joinedAt: seconds(T1),
        },
      },
    });
    expect(group.membersCount).toBe(3);
    expect(staged()).toEqual([
      [
        'member.added',
        expect.objectContaining({
          uid: 'alice',
          actor: 'app_system',
          imported: true,
          joinedAt: 1_600_000_000,
        }),
      ],
      ['member.added', expect.objectContaining({ uid: 'bob', imported: true })],
    ]);
  });

  it('updates a membership again (scope change announced, joinedAt kept unless given), idempotently', async () => {
    const { service, store, staged, group } = setup({
      members: [memberRow(), memberRow({ uid: 'alice', scope: 'participant', joinedAt: T0 })],
    });
    await service.import('app1', [item({ uid: 'alice', scope: 'admin' })]);
    expect(store.get('alice')).toMatchObject({ scope: 'admin', joinedAt: T0 });
    expect(staged()).toEqual([
      [
        'member.scopeChanged',
        expect.objectContaining({
          uid: 'alice',
          oldScope: 'participant',
          newScope: 'admin',
          imported: true,
        }),
      ],
    ]);
    await service.import('app1', [item({ uid: 'alice', scope: 'admin' })]);
    expect(staged()).toHaveLength(1);
    expect(group.membersCount).toBe(2);
  });

  it('imports a ban, removing a membership; again it changes nothing', async () => {
    const { service, store, bans, group, staged } = setup({
      members: [memberRow(), memberRow({ uid: 'alice', scope: 'moderator' })],
    });
    const reply = await service.import('app1', [item({ uid: 'alice', isBanned: true })]);
    expect(reply.g1_member_alice).toEqual({
      success: true,
      data: { guid: 'g1', uid: 'alice', isBanned: true, bannedAt: seconds(T1) },
    });
    expect(store.has('alice')).toBe(false);
    expect(bans.has('alice')).toBe(true);
    expect(group.membersCount).toBe(1);
    await service.import('app1', [item({ uid: 'alice', isBanned: true })]);
    expect(staged().map(([n, b]) => [n, b.scope])).toEqual([['member.banned', 'moderator']]);
  });

  it('refuses per item: unknown group or user, a banned user, the owner banned or not an admin', async () => {
    const { service } = setup({ bans: ['carol'] });
    const reply = await service.import('app1', [
      item({ guid: 'nope' }),
      item({ uid: 'ghost' }),
      item({ uid: 'carol' }),
      item({ uid: 'owner', isBanned: true }),
    ]);
    expect(reply).toEqual({
      nope_member_alice: failed('ERR_GUID_NOT_FOUND'),
      g1_member_ghost: failed('ERR_UID_NOT_FOUND'),
      g1_member_carol: failed('ERR_BANNED_GROUPMEMBER'),
      g1_member_owner: failed('ERR_GROUP_NO_SCOPE_CLEARANCE'),
    });
    const demoted = await service.import('app1', [item({ uid: 'owner', scope: 'participant' })]);
    expect(demoted.g1_member_owner).toEqual(failed('ERR_GROUP_NO_SCOPE_CLEARANCE'));
  });
});
