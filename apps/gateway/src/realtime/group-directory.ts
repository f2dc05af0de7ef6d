import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC } from '@parley/contracts';

/** The groups a user belongs to, from the groups service. */
@Injectable()
export class GroupDirectory {
  constructor(private readonly bus: MessageBus) {}

  async groupsOf(appId: string, uid: string): Promise<string[]> {
    return (await this.bus.request(RPC.groups.memberGroupsOf, { appId, uid })).guids;
  }
}
