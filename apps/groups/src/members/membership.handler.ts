import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { MembershipService } from './membership.service';
import { OnlineMembersService } from './online-members.service';

type R = typeof RPC.groups;

@Injectable()
export class MembershipHandler {
  constructor(
    private readonly membership: MembershipService,
    private readonly online: OnlineMembersService,
  ) {}

  @RpcHandler(RPC.groups.memberAdd)
  add(p: RpcParsedRequest<R['memberAdd']>) {
    return this.membership.add(p);
  }

  @RpcHandler(RPC.groups.memberJoin)
  join(p: RpcParsedRequest<R['memberJoin']>) {
    return this.membership.join(p.appId, p.guid, p.uid, p.password);
  }

  @RpcHandler(RPC.groups.memberLeave)
  leave(p: RpcParsedRequest<R['memberLeave']>) {
    return this.membership.leave(p.appId, p.guid, p.uid);
  }

  @RpcHandler(RPC.groups.memberList)
  list(p: RpcParsedRequest<R['memberList']>) {
    return this.membership.list(p);
  }

  @RpcHandler(RPC.groups.memberScopeSet)
  setScope(p: RpcParsedRequest<R['memberScopeSet']>) {
    return this.membership.setScope(p.appId, p.guid, p.actor, p.uid, p.scope);
  }

  @RpcHandler(RPC.groups.memberKick)
  kick(p: RpcParsedRequest<R['memberKick']>) {
    return this.membership.kick(p.appId, p.guid, p.actor, p.uid);
  }

  @RpcHandler(RPC.groups.banAdd)
  ban(p: RpcParsedRequest<R['banAdd']>) {
    return this.membership.ban(p.appId, p.guid, p.actor, p.uid);
  }

  @RpcHandler(RPC.groups.banRemove)
  unban(p: RpcParsedRequest<R['banRemove']>) {
    return this.membership.unban(p.appId, p.guid, p.actor, p.uid);
  }

  @RpcHandler(RPC.groups.banList)
  listBanned(p: RpcParsedRequest<R['banList']>) {
    return this.membership.listBanned(p.appId, p.guid, p.viewer, p);
  }

  @RpcHandler(RPC.groups.memberGroupsOf)
  groupsOf(p: RpcParsedRequest<R['memberGroupsOf']>) {
    return this.membership.groupsOf(p.appId, p.uid);
  }

  @RpcHandler(RPC.groups.ownerTransfer)
  transferOwnership(p: RpcParsedRequest<R['ownerTransfer']>) {
    return this.membership.transferOwnership(p.appId, p.guid, p.actor, p.uid);
  }

  @RpcHandler(RPC.groups.onlineMemberCounts)
  onlineCounts(p: RpcParsedRequest<R['onlineMemberCounts']>) {
    return this.online.counts(p.appId, p.uid, p.guids);
  }
}
