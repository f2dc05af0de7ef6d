import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC } from '@parley/contracts';

/** What identity needs to know of users: whether one exists (asked of the users service). */
@Injectable()
export class UserDirectory {
  constructor(private readonly bus: MessageBus) {}

  /** Throws ERR_UID_NOT_FOUND (a DomainError from the users service) when the user does not exist. */
  async assertExists(appId: string, uid: string): Promise<void> {
    await this.bus.request(RPC.users.userGet, { appId, uid });
  }
}
