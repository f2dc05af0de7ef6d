import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { AppService } from './app.service';

type R = typeof RPC.identity;

@Injectable()
export class AppHandler {
  constructor(private readonly apps: AppService) {}

  @RpcHandler(RPC.identity.appCreate)
  create(p: RpcParsedRequest<R['appCreate']>) {
    return this.apps.create(p);
  }

  @RpcHandler(RPC.identity.appList)
  list() {
    return this.apps.list();
  }

  @RpcHandler(RPC.identity.appGet)
  get(p: RpcParsedRequest<R['appGet']>) {
    return this.apps.get(p.appId);
  }

  @RpcHandler(RPC.identity.appUpdate)
  update(p: RpcParsedRequest<R['appUpdate']>) {
    return this.apps.update(p);
  }

  @RpcHandler(RPC.identity.appDelete)
  delete(p: RpcParsedRequest<R['appDelete']>) {
    return this.apps.delete(p.appId);
  }
}
