import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { ReactionService } from './reaction.service';

type R = typeof RPC.messaging;

@Injectable()
export class ReactionHandler {
  constructor(private readonly reactions: ReactionService) {}

  @RpcHandler(RPC.messaging.reactionAdd)
  add(p: RpcParsedRequest<R['reactionAdd']>) {
    return this.reactions.add(p);
  }

  @RpcHandler(RPC.messaging.reactionRemove)
  remove(p: RpcParsedRequest<R['reactionRemove']>) {
    return this.reactions.remove(p);
  }

  @RpcHandler(RPC.messaging.reactionList)
  list(p: RpcParsedRequest<R['reactionList']>) {
    return this.reactions.list(p);
  }
}
