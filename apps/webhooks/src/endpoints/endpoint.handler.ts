import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { EndpointService } from './endpoint.service';

type R = typeof RPC.webhooks;

@Injectable()
export class EndpointHandler {
  constructor(private readonly endpoints: EndpointService) {}

  @RpcHandler(RPC.webhooks.webhookCreate)
  create(p: RpcParsedRequest<R['webhookCreate']>) {
    return this.endpoints.create(p);
  }

  @RpcHandler(RPC.webhooks.webhookList)
  list(p: RpcParsedRequest<R['webhookList']>) {
    return this.endpoints.list(p.appId, p);
  }

  @RpcHandler(RPC.webhooks.webhookGet)
  get(p: RpcParsedRequest<R['webhookGet']>) {
    return this.endpoints.get(p.appId, p.id);
  }

  @RpcHandler(RPC.webhooks.webhookUpdate)
  update(p: RpcParsedRequest<R['webhookUpdate']>) {
    return this.endpoints.update(p);
  }

  @RpcHandler(RPC.webhooks.webhookDelete)
  delete(p: RpcParsedRequest<R['webhookDelete']>) {
    return this.endpoints.delete(p.appId, p.id);
  }

  @RpcHandler(RPC.webhooks.triggersAdd)
  addTriggers(p: RpcParsedRequest<R['triggersAdd']>) {
    return this.endpoints.addTriggers(p.appId, p.id, p.triggerIds);
  }

  @RpcHandler(RPC.webhooks.triggersRemove)
  removeTriggers(p: RpcParsedRequest<R['triggersRemove']>) {
    return this.endpoints.removeTriggers(p.appId, p.id, p.triggerIds);
  }
}
