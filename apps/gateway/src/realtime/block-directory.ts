import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC } from '@parley/contracts';

/** Whom a user blocked and who blocked them, from the users service (presence hides both ways). */
@Injectable()
export class BlockDirectory {
  constructor(private readonly bus: MessageBus) {}

  blocksOf(appId: string, uid: string): Promise<{ blockedByMe: string[]; hasBlockedMe: string[] }> {
    return this.bus.request(RPC.users.blocksOf, { appId, uid });
  }
}
