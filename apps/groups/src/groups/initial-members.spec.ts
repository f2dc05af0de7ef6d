import { GroupMembersInput } from '@parley/contracts';
import { initialMemberUids, resolveInitialMembers } from './initial-members';

const ok = { success: true };
const failed = (code: string) => ({ success: false, error: { code, message: expect.any(String) } });

function resolve(members: GroupMembersInput, active: string[], actor?: string) {
  return resolveInitialMembers(members, {
    owner: 'owner',
    actor,
    activeUids: new Set(['owner', ...active]),
  });
}

describe('resolveInitialMembers', () => {
  it('lists every uid named once', () => {
    expect(
      initialMemberUids({ admins: ['a', 'b'], participants: ['b', 'c'], usersToBan: ['d', 'a'] }),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(initialMemberUids(undefined)).toEqual([]);
  });

  it('gives a uid in several arrays the highest scope, reported alike in each array', () => {
    const r = resolve(
      { participants: ['ann', 'bob'], moderators: ['bob', 'cat'], admins: ['cat'] },
      ['ann', 'bob', 'cat'],
    );
    expect(r.adds).toEqual([
      { uid: 'cat', scope: 'admin' },
      { uid: 'bob', scope: 'moderator' },
      { uid: 'ann', scope: 'participant' },
    ]);
    expect(r.results).toEqual({
      admins: { cat: ok },
      moderators: { bob: ok, cat: ok },
      participants: { ann: ok, bob: ok },
    });
    expect(r.bans).toEqual([]);
  });

  it('fails unknown users per item and adds the others', () => {
    const r = resolve({ participants: ['ann', 'ghost'], usersToBan: ['ghost2'] }, ['ann']);
    expect(r.adds).toEqual([{ uid: 'ann', scope: 'participant' }]);
    expect(r.results).toEqual({
      participants: { ann: ok, ghost: failed('ERR_UID_NOT_FOUND') },
      usersToBan: { ghost2: failed('ERR_UID_NOT_FOUND') },
    });
  });

  it('bans a user named in usersToBan and does not add them', () => {
    const r = resolve({ admins: ['eve'], usersToBan: ['eve', 'mal'] }, ['eve', 'mal']);
    expect(r.adds).toEqual([]);
    expect(r.bans).toEqual(['eve', 'mal']);
    expect(r.results).toEqual({
      admins: { eve: failed('ERR_BANNED_GROUPMEMBER') },
      usersToBan: { eve: ok, mal: ok },
    });
  });

  it('refuses naming the owner: already an admin, and never banned', () => {
    const asApp = resolve({ participants: ['owner'], usersToBan: ['owner'] }, []);
    expect(asApp.adds).toEqual([]);
    expect(asApp.bans).toEqual([]);
    expect(asApp.results).toEqual({
      participants: { owner: failed('ERR_ALREADY_JOINED') },
      usersToBan: { owner: failed('ERR_GROUP_NO_SCOPE_CLEARANCE') },
    });
    const asOwner = resolve({ usersToBan: ['owner'] }, [], 'owner');
    expect(asOwner.results.usersToBan).toEqual({ owner: failed('ERR_GROUP_NO_SELF_ACTION') });
  });

  it('answers nothing without members', () => {
    expect(resolveInitialMembers(undefined, { owner: 'o', activeUids: new Set() })).toEqual({
      adds: [],
      bans: [],
      results: {},
    });
  });
});
