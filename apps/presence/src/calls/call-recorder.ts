import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { Call, CallAction, Message, RPC } from '@parley/contracts';

/**
 * Stores one call transition through messaging as a `call` message (which also delivers it live);
 * `actor` is who made it. Messaging keys it by session and status (by `version` in a group call),
 * so asking twice stores it once.
 */
@Injectable()
export class CallRecorder {
  constructor(private readonly bus: MessageBus) {}

  record(
    appId: string,
    actor: string,
    call: Call,
    opts: { action?: CallAction; deviceId?: string } = {},
  ): Promise<Message> {
    return this.bus.request(RPC.messaging.callMessageStore, { appId, actor, call, ...opts });
  }
}
