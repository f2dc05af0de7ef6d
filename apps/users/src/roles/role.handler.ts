import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { RoleService } from './role.service';

type R = typeof RPC.users;

@Injectable()
export class RoleHandler {
  constructor(private readonly roles: RoleService) {}

  @RpcHandler(RPC.users.roleCreate)
  create(p: RpcParsedRequest<R['roleCreate']>) {
    return this.roles.create(p);
  }

  @RpcHandler(RPC.users.roleList)
  list(p: RpcParsedRequest<R['roleList']>) {
    return this.roles.list(p.appId, p);
  }

  @RpcHandler(RPC.users.roleGet)
  get(p: RpcParsedRequest<R['roleGet']>) {
    return this.roles.get(p.appId, p.role);
  }

  @RpcHandler(RPC.users.roleUpdate)
  update(p: RpcParsedRequest<R['roleUpdate']>) {
    return this.roles.update(p);
  }

  @RpcHandler(RPC.users.roleDelete)
  delete(p: RpcParsedRequest<R['roleDelete']>) {
    return this.roles.delete(p.appId, p.role);
  }
}
