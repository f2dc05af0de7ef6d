import { DomainError, MessageBus } from '@parley/common';
import { GroupSnapshot, RoleAudience } from '@parley/contracts';
import { groupSnapshot, profile } from '../testing/message.factory';
import { DirectoryMember, DirectoryRole, DirectoryUser } from './directory.entity';
import { DirectoryRepository } from './directory.repository';
import { ParticipantDirectory } from './participant-directory';

function setup(opts: {
  users?: DirectoryUser[];
  group?: { snapshot: GroupSnapshot; deleted: boolean };
  member?: DirectoryMember;
  remoteUsers?: string[];
  remote?: unknown;
  roles?: Record<string, DirectoryRole>;
  friends?: boolean;
  /** The users service's answers about roles and friends. */
  remoteRoles?: Record<string, RoleAudience>;
  remoteFriends?: string[];
  remoteUserRole?: { role: string };
  blocks?: Array<{ blocker: string; blocked: string }>;
  senderRole?: DirectoryRole;
}) {
  const repo = {
    findUserPair: jest.fn(async () => ({
      users: opts.users ?? [],
      blocks: opts.blocks ?? [],
      senderRole: opts.senderRole ?? null,
    })),
    findUsers: jest.fn(async () => opts.users ?? []),
    learnUsers: jest.fn(async () => undefined),
    findGroups: jest.fn(async () => (opts.group ? [{ guid: 'team', ...opts.group }] : [])),
    findMember: jest.fn(async () => opts.member ?? null),
    learnGroup: jest.fn(async () => undefined),
    learnMember: jest.fn(async () => undefined),
    findRole: jest.fn(async (_a: string, role: string) => opts.roles?.[role] ?? null),
    learnRole: jest.fn(async () => undefined),
    areFriends: jest.fn(async () => opts.friends ?? false),
    learnFriendship: jest.fn(async () => undefined),
  };
  const bus = {
    request: jest.fn(async (def: { subject: string }, req?: { role?: string }) => {
      if (def.subject === 'rpc.users.user.getMany') {
        return { users: (opts.remoteUsers ?? []).map((uid) => profile(uid, opts.remoteUserRole)) };
      }
      if (def.subject === 'rpc.users.role.get') {
        const role = req?.role as string;
        const audience = opts.remoteRoles?.[role];
        if (!audience) throw new DomainError('ERR_ROLE_NOT_FOUND');
        return { role, settings: { listUsers: 'all', sendMessagesTo: audience } };
      }
      if (def.subject === 'rpc.users.friend.list') {
        return { items: (opts.remoteFriends ?? []).map((uid) => profile(uid)) };
      }
      if (opts.remote instanceof Error) throw opts.remote;
      return opts.remote;
    }),
  };
  return {
    repo,
    bus,
    directory: new ParticipantDirectory(
      repo as unknown as DirectoryRepository,
      bus as unknown as MessageBus,
    ),
  };
}

const team = { snapshot: groupSnapshot('team'), deleted: false };

describe('ParticipantDirectory', () => {
  it('answers active users from the model alone', async () => {
    const { directory, bus } = setup({
      users: [{ uid: 'ann', status: 'active', profile: profile('ann') }],
    });
    expect((await directory.users('app1', ['ann'])).get('ann')?.status).toBe('active');
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('asks the users service once for the users it has not heard of, and learns them', async () => {
    const { directory, bus, repo } = setup({ remoteUsers: ['ann'] });
    const found = await directory.users('app1', ['ann', 'nobody']);
    expect(bus.request).toHaveBeenCalledTimes(1);
    expect(found.get('ann')?.status).toBe('active');
    expect(found.has('nobody')).toBe(false);
    expect(repo.learnUsers).toHaveBeenCalledWith('app1', [profile('ann')]);
  });

  it('confirms an inactive user before refusing: a reactivation may not have arrived yet', async () => {
    const { directory, bus } = setup({
      users: [{ uid: 'ann', status: 'deactivated', profile: profile('ann') }],
      remoteUsers: ['ann'],
    });
    expect((await directory.users('app1', ['ann'])).get('ann')?.status).toBe('active');
    expect(bus.request).toHaveBeenCalledTimes(1);
  });

  it('reads a 1:1 pair, its blocks and the sender role in one query, with no RPC', async () => {
    const { directory, bus, repo } = setup({
      users: [
        { uid: 'ann', status: 'active', profile: profile('ann') },
        { uid: 'bob', status: 'active', profile: profile('bob') },
      ],
      blocks: [{ blocker: 'bob', blocked: 'ann' }],
      senderRole: { sendMessagesTo: 'all', deleted: false },
    });
    const pair = await directory.userPair('app1', 'ann', 'bob');
    expect([...pair.users.keys()].sort()).toEqual(['ann', 'bob']);
    expect(pair.blocks).toEqual({ aBlockedB: false, bBlockedA: true });
    expect(pair.sendMessagesTo).toBe('all');
    expect(repo.findUserPair).toHaveBeenCalledTimes(1);
    expect(bus.request).not.toHaveBeenCalled();
  });

  it("leaves the sender's role to be asked when the sender was confirmed, or the role deleted", async () => {
    const bob = { uid: 'bob', status: 'active', profile: profile('bob') } as const;
    const asked = setup({
      users: [bob],
      remoteUsers: ['ann'],
      senderRole: { sendMessagesTo: 'all', deleted: false },
    });
    const pair = await asked.directory.userPair('app1', 'ann', 'bob');
    expect(pair.users.get('ann')?.status).toBe('active');
    expect(pair.sendMessagesTo).toBeUndefined();
    const deleted = setup({
      users: [{ uid: 'ann', status: 'active', profile: profile('ann') }, bob],
      senderRole: { sendMessagesTo: 'all', deleted: true },
    });
    expect((await deleted.directory.userPair('app1', 'ann', 'bob')).sendMessagesTo).toBeUndefined();
  });

  it('answers a member from the model alone', async () => {
    const { directory, bus } = setup({ group: team, member: { state: 'member', scope: 'admin' } });
    expect(await directory.membership('app1', 'team', 'ann')).toMatchObject({
      state: 'member',
      scope: 'admin',
    });
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('asks the groups service about a membership the model lacks, and learns it', async () => {
    const { directory, repo } = setup({
      remote: {
        group: groupSnapshot('team'),
        member: { scope: 'participant', joinedAt: 1 },
        banned: false,
      },
    });
    expect(await directory.membership('app1', 'team', 'ann')).toMatchObject({ state: 'member' });
    expect(repo.learnGroup).toHaveBeenCalledWith('app1', groupSnapshot('team'));
    expect(repo.learnMember).toHaveBeenCalledWith(
      'app1',
      'team',
      'ann',
      'member',
      'participant',
      1,
    );
  });

  it('confirms a non-member with the groups service before refusing (a join may be in flight)', async () => {
    const { directory, bus } = setup({
      group: team,
      member: { state: 'none', scope: null },
      remote: { group: groupSnapshot('team'), member: null, banned: true },
    });
    expect(await directory.membership('app1', 'team', 'ann')).toMatchObject({ state: 'banned' });
    expect(bus.request).toHaveBeenCalledTimes(1);
  });

  it('answers no group when the groups service knows none', async () => {
    const { directory } = setup({ remote: new DomainError('ERR_GUID_NOT_FOUND') });
    expect(await directory.membership('app1', 'nope', 'ann')).toEqual({
      group: null,
      state: 'none',
      scope: null,
    });
    expect(await directory.group('app1', 'nope')).toBeNull();
  });

  it('passes other failures on (the groups service is down)', async () => {
    const { directory } = setup({ remote: new DomainError('ERR_SERVICE_UNAVAILABLE') });
    await expect(directory.membership('app1', 'team', 'ann')).rejects.toMatchObject({
      code: 'ERR_SERVICE_UNAVAILABLE',
    });
  });

  describe('mayMessage (role sendMessagesTo)', () => {
    const alice: DirectoryUser = {
      uid: 'alice',
      status: 'active',
      profile: profile('alice', { role: 'vip' }),
    };
    const friendsOnly: DirectoryRole = { sendMessagesTo: 'friendsOnly', deleted: false };

    it('allows from the model alone: a role open to all, or friends', async () => {
      const open = setup({ roles: { vip: { sendMessagesTo: 'all', deleted: false } } });
      expect(await open.directory.mayMessage('app1', alice, 'bob')).toBe(true);
      const friends = setup({ roles: { vip: friendsOnly }, friends: true });
      expect(await friends.directory.mayMessage('app1', alice, 'bob')).toBe(true);
      expect(open.bus.request).not.toHaveBeenCalled();
      expect(friends.bus.request).not.toHaveBeenCalled();
    });

    it('asks once for a role the model has not heard of, and learns it', async () => {
      const { directory, repo } = setup({ remoteRoles: { vip: 'all' } });
      expect(await directory.mayMessage('app1', alice, 'bob')).toBe(true);
      expect(repo.learnRole).toHaveBeenCalledWith('app1', 'vip', 'all');
    });

    it('reads a deleted role as default', async () => {
      const { directory } = setup({
        roles: {
          vip: { sendMessagesTo: 'friendsOnly', deleted: true },
          default: { sendMessagesTo: 'all', deleted: false },
        },
      });
      expect(await directory.mayMessage('app1', alice, 'bob')).toBe(true);
    });

    it('confirms a refusal with the users service before giving it', async () => {
      const refused = setup({
        roles: { vip: friendsOnly },
        remoteUsers: ['alice'],
        remoteUserRole: { role: 'vip' },
        remoteRoles: { vip: 'friendsOnly' },
        remoteFriends: ['bobby'],
      });
      expect(await refused.directory.mayMessage('app1', alice, 'bob')).toBe(false);
      // Friends since: the users service says so, and the model learns it.
      const befriended = setup({
        roles: { vip: friendsOnly },
        remoteUsers: ['alice'],
        remoteUserRole: { role: 'vip' },
        remoteRoles: { vip: 'friendsOnly' },
        remoteFriends: ['bob'],
      });
      expect(await befriended.directory.mayMessage('app1', alice, 'bob')).toBe(true);
      expect(befriended.repo.learnFriendship).toHaveBeenCalledWith('app1', 'alice', 'bob');
      // Opened to all since.
      const opened = setup({
        roles: { vip: friendsOnly },
        remoteUsers: ['alice'],
        remoteUserRole: { role: 'vip' },
        remoteRoles: { vip: 'all' },
      });
      expect(await opened.directory.mayMessage('app1', alice, 'bob')).toBe(true);
    });
  });
});
