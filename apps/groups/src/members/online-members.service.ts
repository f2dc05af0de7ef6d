import { Injectable } from '@nestjs/common';
import { PresenceReader } from '@parley/common';
import { GroupRepository } from '../groups/group.repository';
import { MemberRepository } from './member.repository';

/**
 * How many members of a group are online (the SDK's `getOnlineGroupMemberCount`), from presence's
 * online set and the group's members, walking the smaller of the two: a group smaller than what
 * is online has its member uids checked against presence; a larger one has the online uids
 * counted among its members by the members index. A count therefore costs about
 * min(members, users of the app online), never a scan of a large group for a few online users.
 */
@Injectable()
export class OnlineMembersService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MemberRepository,
    private readonly presence: PresenceReader,
  ) {}

  /**
   * The online member count of each group of `guids` that `viewer` is a member of; the others
   * (unknown, or not the viewer's) are left out.
   */
  async counts(
    appId: string,
    viewer: string,
    guids: string[],
  ): Promise<{ groups: Record<string, number> }> {
    const groups: Record<string, number> = {};
    let onlineTotal: number | undefined;
    let onlineUids: string[] | undefined;
    for (const guid of new Set(guids.map((g) => g.toLowerCase()))) {
      const [group, membership] = await Promise.all([
        this.groups.find(appId, guid),
        this.members.find(appId, guid, viewer.toLowerCase()),
      ]);
      if (!group || !membership) continue;
      onlineTotal ??= await this.presence.onlineCount(appId);
      if (group.membersCount <= onlineTotal) {
        groups[guid] = await this.presence.onlineCount(
          appId,
          await this.members.uidsOf(appId, guid),
        );
      } else {
        onlineUids ??= await this.presence.onlineUids(appId);
        groups[guid] = await this.members.count(appId, guid, { onlyUids: onlineUids });
      }
    }
    return { groups };
  }
}
