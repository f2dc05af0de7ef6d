import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { ActionLookup } from './action-lookup';

type R = typeof RPC.messaging;

@Injectable()
export class ActionHandler {
  constructor(private readonly lookup: ActionLookup) {}

  @RpcHandler(RPC.messaging.actionMark)
  mark(p: RpcParsedRequest<R['actionMark']>) {
    return this.lookup.mark(p.appId, p.guid);
  }

  @RpcHandler(RPC.messaging.actionAwait)
  await(p: RpcParsedRequest<R['actionAwait']>) {
    return this.lookup.await(p);
  }
}
