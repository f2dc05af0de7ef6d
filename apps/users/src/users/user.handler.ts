import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { UserService } from './user.service';

type R = typeof RPC.users;

@Injectable()
export class UserHandler {
  constructor(private readonly users: UserService) {}

  @RpcHandler(RPC.users.userCreate)
  create(p: RpcParsedRequest<R['userCreate']>) {
    return this.users.create(p);
  }

  @RpcHandler(RPC.users.userGet)
  get(p: RpcParsedRequest<R['userGet']>) {
    return this.users.get(p.appId, p.uid);
  }

  @RpcHandler(RPC.users.userList)
  list(p: RpcParsedRequest<R['userList']>) {
    return this.users.list(p.appId, { searchKey: p.searchKey }, p);
  }

  @RpcHandler(RPC.users.userUpdate)
  update(p: RpcParsedRequest<R['userUpdate']>) {
    return this.users.update(p);
  }

  @RpcHandler(RPC.users.userDelete)
  delete(p: RpcParsedRequest<R['userDelete']>) {
    return this.users.delete(p.appId, p.uid, p.permanent ?? false);
  }
}
