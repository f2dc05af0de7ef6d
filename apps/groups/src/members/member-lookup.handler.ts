import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { MemberLookupService } from './member-lookup.service';

@Injectable()
export class MemberLookupHandler {
  constructor(private readonly lookups: MemberLookupService) {}

  @RpcHandler(RPC.groups.memberGet)
  get(p: RpcParsedRequest<typeof RPC.groups.memberGet>) {
    return this.lookups.lookup(p.appId, p.guid, p.uid);
  }
}
