import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC, User } from '@parley/contracts';

/** What groups needs of users: which exist (active), and their public shape for member lists. */
@Injectable()
export class UserDirectory {
  constructor(private readonly bus: MessageBus) {}

  /** The active users among `uids`, by uid (unknown, deleted and deactivated ones are absent). */
  async activeUsers(appId: string, uids: string[]): Promise<Map<string, User>> {
    if (!uids.length) return new Map();
    const { users } = await this.bus.request(RPC.users.userGetMany, {
      appId,
      uids: [...new Set(uids)],
    });
    return new Map(users.map((u) => [u.uid, u]));
  }
}
