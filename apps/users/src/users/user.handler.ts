import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { UserActivationService } from './user-activation.service';
import { UserViewService } from './user-view.service';
import { UserService } from './user.service';

type R = typeof RPC.users;

@Injectable()
export class UserHandler {
  constructor(
    private readonly users: UserService,
    private readonly views: UserViewService,
    private readonly activation: UserActivationService,
  ) {}

  @RpcHandler(RPC.users.userCreate)
  create(p: RpcParsedRequest<R['userCreate']>) {
    return this.users.create(p);
  }

  @RpcHandler(RPC.users.userGet)
  get(p: RpcParsedRequest<R['userGet']>) {
    return this.views.get(p.appId, p.uid, p.viewer);
  }

  @RpcHandler(RPC.users.userList)
  list(p: RpcParsedRequest<R['userList']>) {
    const { appId, viewer, page, perPage, ...query } = p;
    return this.views.list(appId, query, { page, perPage }, viewer);
  }

  @RpcHandler(RPC.users.userGetMany)
  async getMany(p: RpcParsedRequest<R['userGetMany']>) {
    return { users: await this.views.getMany(p.appId, p.uids) };
  }

  @RpcHandler(RPC.users.userUpdate)
  update(p: RpcParsedRequest<R['userUpdate']>) {
    return this.users.update(p);
  }

  @RpcHandler(RPC.users.usersDeactivate)
  deactivate(p: RpcParsedRequest<R['usersDeactivate']>) {
    return this.activation.deactivate(p.appId, p.uids);
  }

  @RpcHandler(RPC.users.usersActivate)
  activate(p: RpcParsedRequest<R['usersActivate']>) {
    return this.activation.reactivate(p.appId, p.uids);
  }

  @RpcHandler(RPC.users.userDelete)
  delete(p: RpcParsedRequest<R['userDelete']>) {
    return this.users.delete(p.appId, p.uid, p.permanent ?? false);
  }
}
