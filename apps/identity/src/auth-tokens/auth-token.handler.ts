import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { AuthTokenService } from './auth-token.service';

type R = typeof RPC.identity;

@Injectable()
export class AuthTokenHandler {
  constructor(private readonly tokens: AuthTokenService) {}

  @RpcHandler(RPC.identity.tokenCreate)
  create(p: RpcParsedRequest<R['tokenCreate']>) {
    return this.tokens.create(p.appId, p.uid);
  }

  @RpcHandler(RPC.identity.tokenList)
  list(p: RpcParsedRequest<R['tokenList']>) {
    return this.tokens.list(p.appId, p.uid, p);
  }

  @RpcHandler(RPC.identity.tokenGet)
  get(p: RpcParsedRequest<R['tokenGet']>) {
    return this.tokens.get(p.appId, p.uid, p.authToken);
  }

  @RpcHandler(RPC.identity.tokenUpdate)
  update(p: RpcParsedRequest<R['tokenUpdate']>) {
    const { appId, uid, authToken, ...change } = p;
    return this.tokens.update(appId, uid, authToken, change);
  }

  @RpcHandler(RPC.identity.tokenDelete)
  delete(p: RpcParsedRequest<R['tokenDelete']>) {
    return this.tokens.delete(p.appId, p.uid, p.authToken);
  }

  @RpcHandler(RPC.identity.tokenFlush)
  flush(p: RpcParsedRequest<R['tokenFlush']>) {
    return this.tokens.flush(p.appId, p.uid);
  }
}
