import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { DeliveryLogService } from './delivery-log.service';

type R = typeof RPC.webhooks;

@Injectable()
export class DeliveryHandler {
  constructor(private readonly log: DeliveryLogService) {}

  @RpcHandler(RPC.webhooks.deliveryList)
  list(p: RpcParsedRequest<R['deliveryList']>) {
    return this.log.list(p.appId, p.id, p.status, p);
  }

  @RpcHandler(RPC.webhooks.deliveryRedeliver)
  redeliver(p: RpcParsedRequest<R['deliveryRedeliver']>) {
    return this.log.redeliver(p.appId, p.id, p.deliveryId);
  }
}
