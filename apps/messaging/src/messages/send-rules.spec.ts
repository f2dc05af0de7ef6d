import { domainErrorOf } from '@parley/common/testing';
import { DirectoryUser, MemberState } from '../directory/directory.entity';
import { ParticipantDirectory } from '../directory/participant-directory';
import { groupSnapshot, profile } from '../testing/message.factory';
import { MessageContent } from './message-content';
import { SendRules } from './send-rules';

const active = (uid: string): DirectoryUser => ({ uid, status: 'active', profile: profile(uid) });

function setup(
  opts: {
    users?: DirectoryUser[];
    blocks?: Array<[string, string]>;
    group?: boolean;
    state?: MemberState;
    mayMessage?: boolean;
    /** The sender's role's `sendMessagesTo` as the 1:1 read finds it (undefined: not known). */
    sendMessagesTo?: 'all' | 'friendsOnly';
  } = {},
) {
  const users = opts.users ?? [active('alice'), active('bob')];
  const directory = {
    users: jest.fn(async (_a: string, uids: string[]) => {
      return new Map(users.filter((u) => uids.includes(u.uid)).map((u) => [u.uid, u]));
    }),
    blocks: jest.fn(async (_a: string, a: string, b: string) => ({
      aBlockedB: (opts.blocks ?? []).some(([x, y]) => x === a && y === b),
      bBlockedA: (opts.blocks ?? []).some(([x, y]) => x === b && y === a),
    })),
    membership: jest.fn(async () => ({
      group: opts.group === false ? null : groupSnapshot('team'),
      state: opts.state ?? 'member',
      scope: 'participant',
    })),
    group: jest.fn(async () => (opts.group === false ? null : groupSnapshot('team'))),
    mayMessage: jest.fn(async () => opts.mayMessage ?? true),
  };
  const pair = {
    userPair: jest.fn(async (a: string, sender: string, receiver: string) => ({
      users: await directory.users(a, [sender, receiver]),
      blocks: await directory.blocks(a, sender, receiver),
      sendMessagesTo: opts.sendMessagesTo,
    })),
  };
  const all = { ...directory, ...pair };
  return { rules: new SendRules(all as unknown as ParticipantDirectory), directory: all };
}

const toUser = (receiver: string): MessageContent => ({
  receiver,
  receiverType: 'user',
  category: 'message',
  type: 'text',
  data: { text: 'x' },
  tags: [],
});
const toGroup = (guid: string): MessageContent => ({ ...toUser(guid), receiverType: 'group' });

describe('SendRules', () => {
  it('allows a user to an active user, into their conversation, with both as entities', async () => {
    const { rules } = setup();
    const target = await rules.check('app1', 'bob', toUser('alice'));
    expect(target.conversationId).toBe('alice_user_bob');
    expect([...target.participants.users.keys()].sort()).toEqual(['alice', 'bob']);
  });

  it.each([
    ['an unknown receiver', [active('alice')], 'ERR_UID_NOT_FOUND'],
    [
      'a deactivated receiver',
      [active('alice'), { uid: 'bob', status: 'deactivated', profile: null }],
      'ERR_UID_NOT_FOUND',
    ],
  ] as const)('refuses %s', async (_what, users, code) => {
    const { rules } = setup({ users: [...users] });
    expect((await domainErrorOf(rules.check('app1', 'alice', toUser('bob')))).code).toBe(code);
  });

  it('refuses a deactivated or unknown sender', async () => {
    const { rules } = setup({
      users: [active('bob'), { uid: 'alice', status: 'deleted', profile: null }],
    });
    const err = await domainErrorOf(rules.check('app1', 'alice', toUser('bob')));
    expect(err.code).toBe('ERR_UID_NOT_FOUND');
    expect(err.message).toMatch(/sender alice/);
  });

  it('refuses ERR_BLOCKED_RECEIVER when the sender blocked the receiver', async () => {
    const { rules } = setup({ blocks: [['alice', 'bob']] });
    expect((await domainErrorOf(rules.check('app1', 'alice', toUser('bob')))).code).toBe(
      'ERR_BLOCKED_RECEIVER',
    );
  });

  it('refuses ERR_BLOCKED_SENDER when the receiver blocked the sender', async () => {
    const { rules } = setup({ blocks: [['bob', 'alice']] });
    expect((await domainErrorOf(rules.check('app1', 'alice', toUser('bob')))).code).toBe(
      'ERR_BLOCKED_SENDER',
    );
  });

  it('refuses ERR_NOT_A_FRIEND when the role lets the sender message only friends', async () => {
    const { rules, directory } = setup({ mayMessage: false });
    expect((await domainErrorOf(rules.check('app1', 'alice', toUser('bob')))).code).toBe(
      'ERR_NOT_A_FRIEND',
    );
    expect(directory.mayMessage).toHaveBeenCalledWith('app1', active('alice'), 'bob');
    // Groups are not 1:1: the role's rule is not asked.
    await rules.check('app1', 'alice', toGroup('team'));
    expect(directory.mayMessage).toHaveBeenCalledTimes(1);
  });

  it('asks no more about the role when the 1:1 read found it lets the sender message all', async () => {
    const { rules, directory } = setup({ sendMessagesTo: 'all', mayMessage: false });
    const target = await rules.check('app1', 'alice', toUser('bob'));
    expect(target.conversationId).toBe('alice_user_bob');
    expect(directory.userPair).toHaveBeenCalledWith('app1', 'alice', 'bob');
    expect(directory.mayMessage).not.toHaveBeenCalled();
  });

  it('lets the app send to a user without block or role checks', async () => {
    const { rules, directory } = setup({ blocks: [['bob', 'alice']], mayMessage: false });
    const target = await rules.check('app1', 'app_system', toUser('bob'));
    expect(target.conversationId).toBe('app_system_user_bob');
    expect(directory.blocks).not.toHaveBeenCalled();
    expect(directory.userPair).not.toHaveBeenCalled();
    expect(directory.mayMessage).not.toHaveBeenCalled();
  });

  it('imports between users who exist, active or deactivated, ignoring blocks and membership', async () => {
    const { rules, directory } = setup({
      users: [active('alice'), { uid: 'bob', status: 'deactivated', profile: profile('bob') }],
      blocks: [['bob', 'alice']],
      state: 'none',
    });
    expect((await rules.checkImport('app1', 'alice', toUser('bob'))).conversationId).toBe(
      'alice_user_bob',
    );
    expect((await rules.checkImport('app1', 'bob', toGroup('team'))).conversationId).toBe(
      'group_team',
    );
    expect(directory.blocks).not.toHaveBeenCalled();
    expect(directory.membership).not.toHaveBeenCalled();
    const gone = await domainErrorOf(rules.checkImport('app1', 'alice', toUser('zed')));
    expect(gone.code).toBe('ERR_UID_NOT_FOUND');
    const noGroup = setup({ group: false });
    expect(
      (await domainErrorOf(noGroup.rules.checkImport('app1', 'alice', toGroup('x')))).code,
    ).toBe('ERR_GUID_NOT_FOUND');
  });

  it('allows a member to send to their group', async () => {
    const { rules } = setup();
    const target = await rules.check('app1', 'alice', toGroup('team'));
    expect(target.conversationId).toBe('group_team');
    expect(target.participants.groups.get('team')).toMatchObject({ guid: 'team' });
  });

  it.each([
    ['a non-member', { state: 'none' as const }, 'ERR_NOT_A_MEMBER'],
    ['a banned user', { state: 'banned' as const }, 'ERR_BANNED_GROUPMEMBER'],
    ['an unknown group', { group: false }, 'ERR_GUID_NOT_FOUND'],
  ])('refuses %s sending to a group', async (_what, opts, code) => {
    const { rules } = setup(opts);
    expect((await domainErrorOf(rules.check('app1', 'alice', toGroup('team')))).code).toBe(code);
  });

  it('lets the app send to any existing group, and refuses an unknown one', async () => {
    expect(
      (await setup({ state: 'none' }).rules.check('app1', 'app_system', toGroup('team')))
        .conversationId,
    ).toBe('group_team');
    const err = await domainErrorOf(
      setup({ group: false }).rules.check('app1', 'app_system', toGroup('x')),
    );
    expect(err.code).toBe('ERR_GUID_NOT_FOUND');
  });
});
