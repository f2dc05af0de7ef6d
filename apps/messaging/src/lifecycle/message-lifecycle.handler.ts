import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { MessageLifecycleService } from './message-lifecycle.service';

type R = typeof RPC.messaging;

@Injectable()
export class MessageLifecycleHandler {
  constructor(private readonly lifecycle: MessageLifecycleService) {}

  @RpcHandler(RPC.messaging.messageEdit)
  edit(p: RpcParsedRequest<R['messageEdit']>) {
    return this.lifecycle.edit(p);
  }

  @RpcHandler(RPC.messaging.messageDelete)
  delete(p: RpcParsedRequest<R['messageDelete']>) {
    return this.lifecycle.delete(p);
  }

  @RpcHandler(RPC.messaging.messageHistory)
  history(p: RpcParsedRequest<R['messageHistory']>) {
    return this.lifecycle.history(p.appId, p.viewer, p.id);
  }
}
