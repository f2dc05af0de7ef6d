import { toSeconds } from '@parley/common';
import { Injectable } from '@nestjs/common';
import { MemberLookup } from '@parley/contracts';
import { toGroup } from '../groups/group.mapper';
import { GroupRepository } from '../groups/group.repository';
import { groupNotFound } from '../groups/group.service';
import { MemberRepository } from './member.repository';

/**
 * What one user is to one group right now (rpc.groups.member.get): for services that keep an
 * event-fed membership model and meet a group or member it has not heard of yet.
 */
@Injectable()
export class MemberLookupService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MemberRepository,
  ) {}

  async lookup(appId: string, guid: string, uid: string): Promise<MemberLookup> {
    const group = await this.groups.find(appId, guid);
    if (!group) throw groupNotFound(guid);
    const [member, banned] = await Promise.all([
      this.members.find(appId, guid, uid),
      this.members.isBanned(appId, guid, uid),
    ]);
    return {
      group: toGroup(group),
      member: member ? { scope: member.scope, joinedAt: toSeconds(member.joinedAt) } : null,
      banned,
    };
  }
}
