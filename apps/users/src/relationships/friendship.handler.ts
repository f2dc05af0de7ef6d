import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { FriendshipService } from './friendship.service';
import { RelationshipReader } from './relationship-reader';

type R = typeof RPC.users;

@Injectable()
export class FriendshipHandler {
  constructor(
    private readonly friends: FriendshipService,
    private readonly relationships: RelationshipReader,
  ) {}

  @RpcHandler(RPC.users.friendAdd)
  add(p: RpcParsedRequest<R['friendAdd']>) {
    return this.friends.add(p.appId, p.uid, p.accepted);
  }

  @RpcHandler(RPC.users.friendList)
  list(p: RpcParsedRequest<R['friendList']>) {
    return this.friends.list(p.appId, p.uid, { searchKey: p.searchKey }, p);
  }

  @RpcHandler(RPC.users.friendRemove)
  remove(p: RpcParsedRequest<R['friendRemove']>) {
    return this.friends.remove(p.appId, p.uid, p.friends);
  }

  @RpcHandler(RPC.users.friendUidsOf)
  async uidsOf(p: RpcParsedRequest<R['friendUidsOf']>) {
    return { uids: await this.relationships.friendUids(p.appId, p.uid) };
  }
}
