import { PresenceReader } from '@parley/common';
import { GroupRepository } from '../groups/group.repository';
import { MemberListFilter, MemberRepository } from './member.repository';
import { OnlineMembersService } from './online-members.service';

/** Groups by guid with their member uids; `online` the app's online users. */
function setup(groups: Record<string, string[]>, online: string[]) {
  const groupRepo = {
    find: jest.fn(async (_appId: string, guid: string) =>
      groups[guid] ? { guid, membersCount: groups[guid].length } : null,
    ),
  };
  const members = {
    find: jest.fn(async (_appId: string, guid: string, uid: string) =>
      groups[guid]?.includes(uid) ? { guid, uid } : null,
    ),
    uidsOf: jest.fn(async (_appId: string, guid: string) => [...groups[guid]]),
    count: jest.fn(
      async (_appId: string, guid: string, f: MemberListFilter) =>
        groups[guid].filter((u) => f.onlyUids?.includes(u)).length,
    ),
  };
  const presence = {
    onlineCount: jest.fn(async (_appId: string, uids?: string[]) =>
      uids ? uids.filter((u) => online.includes(u)).length : online.length,
    ),
    onlineUids: jest.fn(async () => [...online]),
  };
  const service = new OnlineMembersService(
    groupRepo as unknown as GroupRepository,
    members as unknown as MemberRepository,
    presence as unknown as PresenceReader,
  );
  return { service, members, presence };
}

describe('OnlineMembersService', () => {
  const big = Array.from({ length: 50 }, (_, i) => `u${i}`);

  it('checks the members of a group smaller than what is online against presence', async () => {
    const { service, members, presence } = setup({ small: ['u1', 'u2', 'u3'] }, big.slice(0, 10));
    expect(await service.counts('app1', 'u1', ['small'])).toEqual({ groups: { small: 3 } });
    expect(members.uidsOf).toHaveBeenCalledWith('app1', 'small');
    expect(presence.onlineUids).not.toHaveBeenCalled();
    expect(members.count).not.toHaveBeenCalled();
  });

  it('counts the online users among the members of a group larger than what is online', async () => {
    const { service, members, presence } = setup({ large: big }, ['u1', 'u7', 'stranger']);
    expect(await service.counts('app1', 'u1', ['large', 'LARGE'])).toEqual({
      groups: { large: 2 },
    });
    expect(members.uidsOf).not.toHaveBeenCalled();
    expect(presence.onlineUids).toHaveBeenCalledTimes(1);
  });

  it("leaves out groups that are unknown or not the viewer's", async () => {
    const { service } = setup({ mine: ['me', 'you'], theirs: ['you'] }, ['me', 'you']);
    expect(await service.counts('app1', 'me', ['mine', 'theirs', 'nope'])).toEqual({
      groups: { mine: 2 },
    });
  });
});
