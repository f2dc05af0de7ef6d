import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { PresenceService } from './presence.service';

type R = typeof RPC.presence;

@Injectable()
export class PresenceHandler {
  constructor(private readonly presence: PresenceService) {}

  @RpcHandler(RPC.presence.connectionOpened)
  opened(p: RpcParsedRequest<R['connectionOpened']>) {
    return this.presence.opened(p);
  }

  @RpcHandler(RPC.presence.connectionClosed)
  closed(p: RpcParsedRequest<R['connectionClosed']>) {
    return this.presence.closed(p);
  }

  @RpcHandler(RPC.presence.gatewayHeartbeat)
  heartbeat(p: RpcParsedRequest<R['gatewayHeartbeat']>) {
    return this.presence.heartbeat(p.gatewayId);
  }

  @RpcHandler(RPC.presence.gatewaySync)
  sync(p: RpcParsedRequest<R['gatewaySync']>) {
    return this.presence.sync(p.gatewayId, p.connections);
  }

  @RpcHandler(RPC.presence.gatewayLeft)
  left(p: RpcParsedRequest<R['gatewayLeft']>) {
    return this.presence.left(p.gatewayId);
  }

  @RpcHandler(RPC.presence.onlineList)
  async onlineList(p: RpcParsedRequest<R['onlineList']>) {
    return { uids: await this.presence.onlineUids(p.appId) };
  }

  @RpcHandler(RPC.presence.onlineCount)
  async onlineCount(p: RpcParsedRequest<R['onlineCount']>) {
    return { count: await this.presence.onlineCount(p.appId, p.uids) };
  }

  @RpcHandler(RPC.presence.userGetMany)
  async getMany(p: RpcParsedRequest<R['userGetMany']>) {
    return { users: await this.presence.presenceOf(p.appId, p.uids) };
  }
}
