import { Clock, Outbox, Transactor } from '@parley/common';
import { EVENTS, GroupCreate, GroupUpdate, User } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { MemberEntity } from '../members/member.entity';
import { MemberRepository } from '../members/member.repository';
import { UserDirectory } from '../members/user-directory';
import { fullGroupRow, groupRow, memberRow, seconds, T1 } from '../testing/group.factory';
import { GroupEntity } from './group.entity';
import { GroupPasswords } from './group-passwords';
import { GroupRepository } from './group.repository';
import { GroupService } from './group.service';

const TX = {} as EntityManager;

function createInput(over: Partial<GroupCreate> = {}): GroupCreate {
  return { appId: 'app1', guid: 'g1', name: 'Group one', type: 'public', ...over } as GroupCreate;
}

function updateInput(over: Partial<GroupUpdate> = {}): GroupUpdate {
  return { appId: 'app1', guid: 'g1', ...over } as GroupUpdate;
}

/**
 * The service with every collaborator mocked. `stored` is the group as the database holds it
 * (null: absent), `memberships` the memberships the repository finds, `active` the users that exist.
 */
function setup(
  opts: {
    stored?: GroupEntity | null;
    memberships?: MemberEntity[];
    active?: string[];
  } = {},
) {
  const stored = opts.stored === undefined ? groupRow() : opts.stored;
  const memberships = opts.memberships ?? [memberRow()];
  const active = new Set(opts.active ?? ['owner', 'alice', 'bob', 'carol']);
  const groups = {
    insert: jest.fn(async (_tx: EntityManager, _g: GroupEntity) => stored === null),
    lock: jest.fn(async (_tx: EntityManager, _appId: string, _guid: string) =>
      stored ? { ...stored } : null,
    ),
    adjustMembersCount: jest.fn(async () => undefined),
    update: jest.fn(async (_tx: EntityManager, _g: GroupEntity) => undefined),
    remove: jest.fn(async () => undefined),
  };
  const members = {
    insertMany: jest.fn(async (_tx: EntityManager, rows: MemberEntity[]) => rows.map((r) => r.uid)),
    insertBan: jest.fn(async () => true),
    find: jest.fn(
      async (_appId: string, _guid: string, uid: string) =>
        memberships.find((m) => m.uid === uid) ?? null,
    ),
    setScope: jest.fn(async () => undefined),
  };
  const users = {
    activeUsers: jest.fn(
      async (_appId: string, uids: string[]) =>
        new Map(uids.filter((u) => active.has(u)).map((u) => [u, { uid: u } as User])),
    ),
  };
  const passwords = { hash: jest.fn(async (p: string) => `hashed:${p}`) };
  const transactor = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => seconds(T1) };
  const service = new GroupService(
    groups as unknown as GroupRepository,
    members as unknown as MemberRepository,
    users as unknown as UserDirectory,
    passwords as unknown as GroupPasswords,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
  );
  /** The events staged, as [name, payload]. */
  const staged = () =>
    (outbox.stage.mock.calls as unknown as Array<[unknown, { name: string }, string, unknown]>).map(
      ([, def, , body]) => [def.name, body] as const,
    );
  return { service, groups, members, users, passwords, outbox, staged };
}

describe('GroupService', () => {
  describe('create', () => {
    it('lets the app create a group it owns as app_system, with no member', async () => {
      const { service, groups, members, staged } = setup({ stored: null });
      const group = await service.create(createInput({ tags: ['vip'] }));
      expect(groups.insert).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({
          guid: 'g1',
          owner: 'app_system',
          membersCount: 0,
          tags: ['vip'],
        }),
      );
      expect(members.insertMany).toHaveBeenCalledWith(TX, []);
      expect(group).toEqual({
        guid: 'g1',
        name: 'Group one',
        type: 'public',
        owner: 'app_system',
        membersCount: 0,
        conversationId: 'group_g1',
        tags: ['vip'],
        createdAt: seconds(T1),
        updatedAt: seconds(T1),
      });
      expect(staged()).toEqual([['group.created', { group, actor: 'app_system' }]]);
    });

    it('makes the user acting the owner and an admin member, whoever the body names', async () => {
      const { service, groups, members, staged } = setup({ stored: null });
      const group = await service.create(createInput({ actor: 'alice', owner: 'bob' }));
      expect(members.insertMany).toHaveBeenCalledWith(TX, [
        { appId: 'app1', guid: 'g1', uid: 'alice', scope: 'admin', joinedAt: T1 },
      ]);
      expect(groups.adjustMembersCount).toHaveBeenCalledWith(TX, 'app1', 'g1', 1);
      expect(group).toMatchObject({
        owner: 'alice',
        membersCount: 1,
        scope: 'admin',
        hasJoined: true,
        joinedAt: seconds(T1),
      });
      const { scope: _s, hasJoined: _h, joinedAt: _j, ...snapshot } = group;
      expect(staged()).toEqual([
        ['group.created', { group: snapshot, actor: 'alice' }],
        [
          'member.added',
          {
            guid: 'g1',
            group: snapshot,
            actor: 'alice',
            uid: 'alice',
            scope: 'admin',
            joinedAt: seconds(T1),
          },
        ],
      ]);
    });

    it('lets the app name a user owner, who becomes an admin member added by app_system', async () => {
      const { service, staged } = setup({ stored: null });
      const group = await service.create(createInput({ owner: 'bob' }));
      expect(group).toMatchObject({ owner: 'bob', membersCount: 1 });
      expect(group).not.toHaveProperty('hasJoined');
      expect(staged()[1]).toEqual([
        'member.added',
        expect.objectContaining({ actor: 'app_system', uid: 'bob', scope: 'admin' }),
      ]);
    });

    it('refuses an owner who is not an active user, writing nothing', async () => {
      const { service, groups } = setup({ stored: null });
      await expect(service.create(createInput({ owner: 'ghost' }))).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      await expect(service.create(createInput({ actor: 'ghost' }))).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(groups.insert).not.toHaveBeenCalled();
    });

    it('needs a password for a password group, and stores only its hash', async () => {
      const { service, groups, passwords } = setup({ stored: null });
      for (const password of [undefined, '']) {
        await expect(
          service.create(createInput({ type: 'password', password })),
        ).rejects.toMatchObject({ code: 'ERR_EMPTY_GROUP_PASS' });
      }
      expect(groups.insert).not.toHaveBeenCalled();

      const group = await service.create(createInput({ type: 'password', password: 's3cret' }));
      expect(passwords.hash).toHaveBeenCalledWith('s3cret');
      expect(groups.insert).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ type: 'password', passwordHash: 'hashed:s3cret' }),
      );
      expect(JSON.stringify(group)).not.toContain('s3cret');
    });

    it('ignores a password for a group of another type', async () => {
      const { service, groups, passwords } = setup({ stored: null });
      await service.create(createInput({ type: 'private', password: 'unused' }));
      expect(passwords.hash).not.toHaveBeenCalled();
      expect(groups.insert).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ passwordHash: null }),
      );
    });

    it('refuses an existing guid with ERR_GUID_ALREADY_EXISTS and stages nothing', async () => {
      const { service, members, outbox } = setup({ stored: groupRow() });
      await expect(service.create(createInput({ actor: 'alice' }))).rejects.toMatchObject({
        code: 'ERR_GUID_ALREADY_EXISTS',
      });
      expect(members.insertMany).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('adds initial members and bans in the same transaction, with a result per uid', async () => {
      const { service, groups, members, staged } = setup({ stored: null });
      const group = await service.create(
        createInput({
          actor: 'owner',
          members: {
            moderators: ['alice'],
            participants: ['alice', 'bob', 'ghost'],
            usersToBan: ['carol'],
          },
        }),
      );
      expect(members.insertMany).toHaveBeenCalledWith(TX, [
        expect.objectContaining({ uid: 'owner', scope: 'admin' }),
        expect.objectContaining({ uid: 'alice', scope: 'moderator' }),
        expect.objectContaining({ uid: 'bob', scope: 'participant' }),
      ]);
      expect(groups.adjustMembersCount).toHaveBeenCalledWith(TX, 'app1', 'g1', 3);
      expect(members.insertBan).toHaveBeenCalledWith(TX, {
        appId: 'app1',
        guid: 'g1',
        uid: 'carol',
        bannedBy: 'owner',
        bannedAt: T1,
      });
      expect(group.membersCount).toBe(3);
      expect(group.members).toEqual({
        moderators: { alice: { success: true } },
        participants: {
          alice: { success: true },
          bob: { success: true },
          ghost: {
            success: false,
            error: { code: 'ERR_UID_NOT_FOUND', message: expect.any(String) },
          },
        },
        usersToBan: { carol: { success: true } },
      });
      expect(staged().map(([name, body]) => [name, (body as { uid?: string }).uid])).toEqual([
        ['group.created', undefined],
        ['member.added', 'owner'],
        ['member.added', 'alice'],
        ['member.added', 'bob'],
        ['member.banned', 'carol'],
      ]);
      expect(staged()[4][1]).toMatchObject({ scope: null, joinedAt: null, bannedAt: seconds(T1) });
    });
  });

  describe('update', () => {
    it('answers ERR_GUID_NOT_FOUND for a missing group', async () => {
      const { service, groups } = setup({ stored: null });
      await expect(service.update(updateInput({ name: 'x' }))).rejects.toMatchObject({
        code: 'ERR_GUID_NOT_FOUND',
      });
      expect(groups.update).not.toHaveBeenCalled();
    });

    it.each([
      ['a non-member', [], 'ERR_GROUP_NOT_JOINED'],
      [
        'a participant',
        [memberRow({ uid: 'alice', scope: 'participant' })],
        'ERR_GROUP_NO_MODERATOR_SCOPE',
      ],
    ])('refuses %s', async (_who, memberships, code) => {
      const { service, groups, outbox } = setup({ memberships });
      await expect(
        service.update(updateInput({ actor: 'alice', name: 'x' })),
      ).rejects.toMatchObject({ code });
      expect(groups.update).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('refuses an acting user who is not an active user with ERR_UID_NOT_FOUND', async () => {
      const { service, groups } = setup({ memberships: [memberRow({ uid: 'ghost' })] });
      await expect(
        service.update(updateInput({ actor: 'ghost', name: 'x' })),
      ).rejects.toMatchObject({ code: 'ERR_UID_NOT_FOUND' });
      await expect(service.delete('app1', 'g1', 'ghost')).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(groups.lock).not.toHaveBeenCalled();
    });

    it("lets a moderator update, answering with the moderator's view", async () => {
      const { service } = setup({ memberships: [memberRow({ uid: 'alice', scope: 'moderator' })] });
      const group = await service.update(updateInput({ actor: 'alice', name: 'Renamed' }));
      expect(group).toMatchObject({
        name: 'Renamed',
        updatedBy: 'alice',
        scope: 'moderator',
        hasJoined: true,
      });
    });

    it('replaces given fields, clears unset ones, sets updatedAt/updatedBy and stages group.updated', async () => {
      const { service, groups, staged } = setup({ stored: fullGroupRow() });
      const group = await service.update(
        updateInput({ tags: ['new'], unset: ['icon', 'description', 'metadata'] }),
      );
      expect(groups.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({
          icon: null,
          description: null,
          metadata: null,
          tags: ['new'],
          updatedAt: T1,
          updatedBy: 'app_system',
          passwordHash: '$argon2id$stored',
        }),
      );
      expect(group).not.toHaveProperty('icon');
      expect(group).not.toHaveProperty('description');
      expect(group).not.toHaveProperty('metadata');
      expect(group).toMatchObject({
        tags: ['new'],
        updatedAt: seconds(T1),
        updatedBy: 'app_system',
      });
      expect(staged()).toEqual([['group.updated', { group, actor: 'app_system' }]]);
    });

    it('refuses a field that is both set and unset', async () => {
      const { service, groups } = setup();
      await expect(
        service.update(updateInput({ icon: 'x', unset: ['icon'] })),
      ).rejects.toMatchObject({
        code: 'ERR_BAD_REQUEST',
        details: { unset: [expect.stringContaining('icon')] },
      });
      expect(groups.update).not.toHaveBeenCalled();
    });

    it('needs a password to become a password group, and drops it when leaving that type', async () => {
      const plain = setup();
      await expect(plain.service.update(updateInput({ type: 'password' }))).rejects.toMatchObject({
        code: 'ERR_EMPTY_GROUP_PASS',
      });
      await plain.service.update(updateInput({ type: 'password', password: 'pw' }));
      expect(plain.groups.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ type: 'password', passwordHash: 'hashed:pw' }),
      );

      const protectedGroup = setup({ stored: fullGroupRow() });
      await protectedGroup.service.update(updateInput({ name: 'Same type, same password' }));
      expect(protectedGroup.groups.update).toHaveBeenLastCalledWith(
        TX,
        expect.objectContaining({ passwordHash: '$argon2id$stored' }),
      );
      await expect(
        protectedGroup.service.update(updateInput({ password: '' })),
      ).rejects.toMatchObject({ code: 'ERR_EMPTY_GROUP_PASS' });
      await protectedGroup.service.update(updateInput({ type: 'public' }));
      expect(protectedGroup.groups.update).toHaveBeenLastCalledWith(
        TX,
        expect.objectContaining({ type: 'public', passwordHash: null }),
      );
    });

    it('transfers ownership when the app names a member owner, raising them to admin', async () => {
      const { service, members, staged } = setup({
        memberships: [memberRow(), memberRow({ uid: 'bob', scope: 'participant' })],
      });
      const group = await service.update(updateInput({ owner: 'bob' }));
      expect(members.setScope).toHaveBeenCalledWith(TX, 'app1', 'g1', 'bob', 'admin');
      expect(group.owner).toBe('bob');
      expect(staged()).toEqual([
        [
          'member.scopeChanged',
          expect.objectContaining({
            uid: 'bob',
            actor: 'app_system',
            scope: 'admin',
            oldScope: 'participant',
            newScope: 'admin',
          }),
        ],
        ['group.ownerChanged', expect.objectContaining({ uid: 'bob', oldOwner: 'owner' })],
        ['group.updated', { group, actor: 'app_system' }],
      ]);
    });

    it('refuses an owner who is not a member with ERR_NOT_A_MEMBER', async () => {
      const { service, groups } = setup();
      await expect(service.update(updateInput({ owner: 'carol' }))).rejects.toMatchObject({
        code: 'ERR_NOT_A_MEMBER',
      });
      expect(groups.update).not.toHaveBeenCalled();
    });

    it('ignores owner when a user acts (reference §4.6)', async () => {
      const { service, members } = setup({
        memberships: [memberRow(), memberRow({ uid: 'bob', scope: 'participant' })],
      });
      const group = await service.update(updateInput({ actor: 'owner', owner: 'bob' }));
      expect(group.owner).toBe('owner');
      expect(members.setScope).not.toHaveBeenCalled();
    });
  });

  describe('delete', () => {
    it('deletes the group (members and bans cascade) and stages group.deleted', async () => {
      const { service, groups, staged } = setup();
      await expect(service.delete('app1', 'g1', 'owner')).resolves.toEqual({
        success: true,
        message: expect.any(String),
      });
      expect(groups.remove).toHaveBeenCalledWith(TX, 'app1', 'g1');
      expect(staged()).toEqual([
        [
          'group.deleted',
          { guid: 'g1', group: expect.objectContaining({ guid: 'g1' }), actor: 'owner' },
        ],
      ]);
    });

    it.each([
      ['participant', 'ERR_GROUP_NO_ADMIN_SCOPE'],
      ['moderator', 'ERR_GROUP_NO_ADMIN_SCOPE'],
    ] as const)('refuses a %s', async (scope, code) => {
      const { service, groups } = setup({ memberships: [memberRow({ uid: 'alice', scope })] });
      await expect(service.delete('app1', 'g1', 'alice')).rejects.toMatchObject({ code });
      expect(groups.remove).not.toHaveBeenCalled();
    });

    it('lets an admin and the app delete; a missing group is ERR_GUID_NOT_FOUND', async () => {
      const admin = setup({ memberships: [memberRow({ uid: 'alice', scope: 'admin' })] });
      await admin.service.delete('app1', 'g1', 'alice');
      expect(admin.groups.remove).toHaveBeenCalled();
      const app = setup();
      await app.service.delete('app1', 'g1');
      expect(app.staged()[0][1]).toMatchObject({ actor: 'app_system' });
      const missing = setup({ stored: null });
      await expect(missing.service.delete('app1', 'g1')).rejects.toMatchObject({
        code: 'ERR_GUID_NOT_FOUND',
      });
    });
  });

  it('names events by the catalogue', () => {
    expect(EVENTS.groups.groupCreated.subject('app1')).toBe('evt.groups.app1.group.created');
    expect(EVENTS.groups.groupDeleted.subject('app1')).toBe('evt.groups.app1.group.deleted');
  });
});
