import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { BlockService } from './block.service';
import { RelationshipReader } from './relationship-reader';

type R = typeof RPC.users;

@Injectable()
export class BlockHandler {
  constructor(
    private readonly blocks: BlockService,
    private readonly relationships: RelationshipReader,
  ) {}

  @RpcHandler(RPC.users.blockAdd)
  block(p: RpcParsedRequest<R['blockAdd']>) {
    return this.blocks.block(p.appId, p.uid, p.blockedUids);
  }

  @RpcHandler(RPC.users.blockRemove)
  unblock(p: RpcParsedRequest<R['blockRemove']>) {
    return this.blocks.unblock(p.appId, p.uid, p.blockedUids);
  }

  @RpcHandler(RPC.users.blockList)
  list(p: RpcParsedRequest<R['blockList']>) {
    return this.blocks.list(p.appId, p.uid, p.direction, { searchKey: p.searchKey }, p);
  }

  @RpcHandler(RPC.users.blocksOf)
  blocksOf(p: RpcParsedRequest<R['blocksOf']>) {
    return this.relationships.blocksOf(p.appId, p.uid);
  }
}
