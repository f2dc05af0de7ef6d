import { GroupActor, GroupPermissions, GroupTarget } from './group-permissions';
import type { MemberScope } from './member.entity';

const user = (scope: MemberScope | null, over: Partial<GroupActor> = {}): GroupActor =>
  ({ kind: 'user', uid: 'actor', scope, isOwner: false, ...over }) as GroupActor;
const owner: GroupActor = { kind: 'user', uid: 'actor', scope: 'admin', isOwner: true };
const app: GroupActor = { kind: 'app' };
const target = (scope: MemberScope, isOwner = false): GroupTarget => ({
  uid: 'target',
  scope,
  isOwner,
});

function outcome(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('GroupPermissions (reference §6.3)', () => {
  const actors: Array<[string, GroupActor]> = [
    ['non-member', user(null)],
    ['participant', user('participant')],
    ['moderator', user('moderator')],
    ['admin', user('admin')],
    ['owner', owner],
    ['app', app],
  ];

  it.each([
    ['update', ['ERR_GROUP_NOT_JOINED', 'ERR_GROUP_NO_MODERATOR_SCOPE', 'ok', 'ok', 'ok', 'ok']],
    [
      'delete',
      [
        'ERR_GROUP_NOT_JOINED',
        'ERR_GROUP_NO_ADMIN_SCOPE',
        'ERR_GROUP_NO_ADMIN_SCOPE',
        'ok',
        'ok',
        'ok',
      ],
    ],
    [
      'addMembers',
      [
        'ERR_GROUP_NOT_JOINED',
        'ERR_GROUP_NO_ADMIN_SCOPE',
        'ERR_GROUP_NO_ADMIN_SCOPE',
        'ok',
        'ok',
        'ok',
      ],
    ],
    ['unban', ['ERR_GROUP_NOT_JOINED', 'ERR_GROUP_NO_MODERATOR_SCOPE', 'ok', 'ok', 'ok', 'ok']],
    [
      'transferOwnership',
      [
        'ERR_GROUP_NOT_JOINED',
        'ERR_GROUP_NO_CLEARANCE',
        'ERR_GROUP_NO_CLEARANCE',
        'ERR_GROUP_NO_CLEARANCE',
        'ok',
        'ok',
      ],
    ],
    ['leave', ['ERR_GROUP_NOT_JOINED', 'ok', 'ok', 'ok', 'ERR_GROUP_NO_CLEARANCE', 'ok']],
  ] as const)('%s: non-member, participant, moderator, admin, owner, app', (act, expected) => {
    const fn = GroupPermissions[act] as (a: GroupActor) => void;
    expect(actors.map(([, a]) => outcome(() => fn(a)))).toEqual(expected);
  });

  // Rows: actor; columns: target participant, moderator, admin, owner.
  it.each([
    [
      'participant',
      [
        'ERR_GROUP_NO_MODERATOR_SCOPE',
        'ERR_GROUP_NO_MODERATOR_SCOPE',
        'ERR_GROUP_NO_MODERATOR_SCOPE',
        'ERR_GROUP_NO_MODERATOR_SCOPE',
      ],
    ],
    [
      'moderator',
      [
        'ok',
        'ERR_GROUP_NO_SCOPE_CLEARANCE',
        'ERR_GROUP_NO_SCOPE_CLEARANCE',
        'ERR_GROUP_NO_SCOPE_CLEARANCE',
      ],
    ],
    ['admin', ['ok', 'ok', 'ERR_GROUP_NO_SCOPE_CLEARANCE', 'ERR_GROUP_NO_SCOPE_CLEARANCE']],
    ['owner', ['ok', 'ok', 'ok', 'ERR_GROUP_NO_SCOPE_CLEARANCE']],
    ['app', ['ok', 'ok', 'ok', 'ERR_GROUP_NO_SCOPE_CLEARANCE']],
  ] as const)('kick/ban by %s of participant, moderator, admin, owner', (name, expected) => {
    const a = actors.find(([n]) => n === name)![1];
    const targets = [
      target('participant'),
      target('moderator'),
      target('admin'),
      target('admin', true),
    ];
    expect(targets.map((t) => outcome(() => GroupPermissions.moderate(a, t)))).toEqual(expected);
  });

  it('refuses acting on oneself', () => {
    const self = { uid: 'actor', scope: 'participant' as const, isOwner: false };
    expect(outcome(() => GroupPermissions.moderate(user('admin'), self))).toBe(
      'ERR_GROUP_NO_SELF_ACTION',
    );
    expect(outcome(() => GroupPermissions.changeScope(user('admin'), self, 'admin'))).toBe(
      'ERR_GROUP_NO_SELF_ACTION',
    );
  });

  it('lets a moderator raise participants to moderator but not to admin', () => {
    const mod = user('moderator');
    expect(
      outcome(() => GroupPermissions.changeScope(mod, target('participant'), 'moderator')),
    ).toBe('ok');
    expect(outcome(() => GroupPermissions.changeScope(mod, target('participant'), 'admin'))).toBe(
      'ERR_GROUP_NO_SCOPE_CLEARANCE',
    );
    expect(
      outcome(() => GroupPermissions.changeScope(mod, target('moderator'), 'participant')),
    ).toBe('ERR_GROUP_NO_SCOPE_CLEARANCE');
  });

  it("lets admins set any scope on those below them, only the owner change an admin's, nobody the owner's", () => {
    expect(
      outcome(() => GroupPermissions.changeScope(user('admin'), target('moderator'), 'admin')),
    ).toBe('ok');
    expect(
      outcome(() => GroupPermissions.changeScope(user('admin'), target('admin'), 'participant')),
    ).toBe('ERR_GROUP_NO_SCOPE_CLEARANCE');
    expect(outcome(() => GroupPermissions.changeScope(owner, target('admin'), 'participant'))).toBe(
      'ok',
    );
    expect(
      outcome(() => GroupPermissions.changeScope(app, target('admin', true), 'participant')),
    ).toBe('ERR_GROUP_NO_SCOPE_CLEARANCE');
  });

  it('refuses a change to the scope the member already has with ERR_SAME_SCOPE', () => {
    expect(
      outcome(() => GroupPermissions.changeScope(owner, target('moderator'), 'moderator')),
    ).toBe('ERR_SAME_SCOPE');
    expect(
      outcome(() => GroupPermissions.changeScope(app, target('participant'), 'participant')),
    ).toBe('ERR_SAME_SCOPE');
  });
});
