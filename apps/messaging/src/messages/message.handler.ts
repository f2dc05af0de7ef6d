import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { MessageService } from './message.service';
import { MessageViews } from './message-views';

type R = typeof RPC.messaging;

@Injectable()
export class MessageHandler {
  constructor(
    private readonly messages: MessageService,
    private readonly views: MessageViews,
  ) {}

  @RpcHandler(RPC.messaging.messageSend)
  send(p: RpcParsedRequest<R['messageSend']>) {
    return this.messages.send(p);
  }

  @RpcHandler(RPC.messaging.messageGet)
  get(p: RpcParsedRequest<R['messageGet']>) {
    return this.views.get(p.appId, p.viewer, p.id);
  }

  @RpcHandler(RPC.messaging.messageList)
  list(p: RpcParsedRequest<R['messageList']>) {
    return this.views.list(p);
  }

  @RpcHandler(RPC.messaging.messageSendMany)
  sendMany(p: RpcParsedRequest<R['messageSendMany']>) {
    return this.messages.sendMany(p);
  }

  @RpcHandler(RPC.messaging.threadList)
  thread(p: RpcParsedRequest<R['threadList']>) {
    return this.views.thread(p);
  }
}
