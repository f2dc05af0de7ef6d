import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { ApiKeyService } from './api-key.service';

type R = typeof RPC.identity;

@Injectable()
export class ApiKeyHandler {
  constructor(private readonly keys: ApiKeyService) {}

  @RpcHandler(RPC.identity.apiKeyCreate)
  create(p: RpcParsedRequest<R['apiKeyCreate']>) {
    return this.keys.create(p.appId, p.name, p.scope);
  }

  @RpcHandler(RPC.identity.apiKeyList)
  list(p: RpcParsedRequest<R['apiKeyList']>) {
    return this.keys.list(p.appId, { scope: p.scope, searchKey: p.searchKey }, p);
  }

  @RpcHandler(RPC.identity.apiKeyGet)
  get(p: RpcParsedRequest<R['apiKeyGet']>) {
    return this.keys.get(p.principal, p.apiKey);
  }

  @RpcHandler(RPC.identity.apiKeyUpdate)
  update(p: RpcParsedRequest<R['apiKeyUpdate']>) {
    return this.keys.update(p.principal, p.apiKey, { name: p.name, scope: p.scope });
  }

  @RpcHandler(RPC.identity.apiKeyDelete)
  delete(p: RpcParsedRequest<R['apiKeyDelete']>) {
    return this.keys.delete(p.principal, p.apiKey);
  }
}
