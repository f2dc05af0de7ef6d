import { domainErrorOf } from '@parley/common/testing';
import { GroupRepository } from '../groups/group.repository';
import { groupRow, memberRow, seconds, T0 } from '../testing/group.factory';
import { MemberRepository } from './member.repository';
import { MemberLookupService } from './member-lookup.service';

function setup(opts: { group?: boolean; member?: boolean; banned?: boolean } = {}) {
  const groups = { find: jest.fn(async () => (opts.group === false ? null : groupRow())) };
  const members = {
    find: jest.fn(async () => (opts.member ? memberRow({ uid: 'ann', scope: 'moderator' }) : null)),
    isBanned: jest.fn(async () => opts.banned ?? false),
  };
  return new MemberLookupService(
    groups as unknown as GroupRepository,
    members as unknown as MemberRepository,
  );
}

describe('MemberLookupService', () => {
  it("answers the group and the user's membership", async () => {
    const found = await setup({ member: true }).lookup('app1', 'g1', 'ann');
    expect(found).toEqual({
      group: expect.objectContaining({ guid: 'g1', conversationId: 'group_g1' }),
      member: { scope: 'moderator', joinedAt: seconds(T0) },
      banned: false,
    });
  });

  it('answers null for a non-member, and says whether they are banned', async () => {
    expect(await setup({ banned: true }).lookup('app1', 'g1', 'ann')).toMatchObject({
      member: null,
      banned: true,
    });
  });

  it('refuses an unknown group with ERR_GUID_NOT_FOUND', async () => {
    const err = await domainErrorOf(setup({ group: false }).lookup('app1', 'nope', 'ann'));
    expect(err.code).toBe('ERR_GUID_NOT_FOUND');
  });
});
