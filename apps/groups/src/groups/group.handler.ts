import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { GroupViewService } from './group-view.service';
import { GroupService } from './group.service';

type R = typeof RPC.groups;

@Injectable()
export class GroupHandler {
  constructor(
    private readonly groups: GroupService,
    private readonly views: GroupViewService,
  ) {}

  @RpcHandler(RPC.groups.groupCreate)
  create(p: RpcParsedRequest<R['groupCreate']>) {
    return this.groups.create(p);
  }

  @RpcHandler(RPC.groups.groupGet)
  get(p: RpcParsedRequest<R['groupGet']>) {
    return this.views.get(p.appId, p.guid, p.viewer);
  }

  @RpcHandler(RPC.groups.groupList)
  list(p: RpcParsedRequest<R['groupList']>) {
    const { appId, viewer, page, perPage, ...query } = p;
    return this.views.list(appId, query, { page, perPage }, viewer);
  }

  @RpcHandler(RPC.groups.groupUpdate)
  update(p: RpcParsedRequest<R['groupUpdate']>) {
    return this.groups.update(p);
  }

  @RpcHandler(RPC.groups.groupDelete)
  delete(p: RpcParsedRequest<R['groupDelete']>) {
    return this.groups.delete(p.appId, p.guid, p.actor);
  }
}
