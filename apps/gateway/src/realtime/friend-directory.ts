import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC } from '@parley/contracts';

/** A user's friends, from the users service (whose presence a `FRIENDS` socket follows). */
@Injectable()
export class FriendDirectory {
  constructor(private readonly bus: MessageBus) {}

  async friendsOf(appId: string, uid: string): Promise<string[]> {
    return (await this.bus.request(RPC.users.friendUidsOf, { appId, uid })).uids;
  }
}
