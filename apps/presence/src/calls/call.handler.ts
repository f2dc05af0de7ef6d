import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { CallService } from './call.service';

type R = typeof RPC.presence;

@Injectable()
export class CallHandler {
  constructor(private readonly calls: CallService) {}

  @RpcHandler(RPC.presence.callInitiate)
  initiate(p: RpcParsedRequest<R['callInitiate']>) {
    return this.calls.initiate(p);
  }

  @RpcHandler(RPC.presence.callUpdate)
  update(p: RpcParsedRequest<R['callUpdate']>) {
    return this.calls.update(p);
  }

  @RpcHandler(RPC.presence.callSignal)
  signal(p: RpcParsedRequest<R['callSignal']>) {
    return this.calls.signal(p);
  }
}
