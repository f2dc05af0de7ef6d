import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC, User } from '@parley/contracts';

/**
 * What groups needs of users: which exist (active), their public shape for member lists, and
 * whom a viewer is apart from by a block (whose presence the viewer does not see).
 */
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

  /** The users `uid` blocked or was blocked by. */
  async apartByBlock(appId: string, uid: string): Promise<Set<string>> {
    const { blockedByMe, hasBlockedMe } = await this.bus.request(RPC.users.blocksOf, {
      appId,
      uid,
    });
    return new Set([...blockedByMe, ...hasBlockedMe]);
  }
}
