import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { ConversationService } from './conversation.service';

type R = typeof RPC.messaging;

@Injectable()
export class ConversationHandler {
  constructor(private readonly conversations: ConversationService) {}

  @RpcHandler(RPC.messaging.conversationList)
  list(p: RpcParsedRequest<R['conversationList']>) {
    return this.conversations.list(p);
  }

  @RpcHandler(RPC.messaging.conversationGet)
  get(p: RpcParsedRequest<R['conversationGet']>) {
    return this.conversations.get(p);
  }

  @RpcHandler(RPC.messaging.conversationTag)
  tag(p: RpcParsedRequest<R['conversationTag']>) {
    return this.conversations.tag(p);
  }

  @RpcHandler(RPC.messaging.conversationDelete)
  delete(p: RpcParsedRequest<R['conversationDelete']>) {
    return this.conversations.delete(p);
  }

  @RpcHandler(RPC.messaging.conversationMarkUnread)
  markUnread(p: RpcParsedRequest<R['conversationMarkUnread']>) {
    return this.conversations.markUnread(p);
  }

  @RpcHandler(RPC.messaging.unreadCounts)
  unreadCounts(p: RpcParsedRequest<R['unreadCounts']>) {
    return this.conversations.unreadCounts(p);
  }
}
