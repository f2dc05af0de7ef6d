import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import { BlockedListQuerySchema, BlockedUidsBodySchema, Principal, RPC } from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { actingUid } from './acting-user';

/** Blocks, lists and unblocks for one user (`uid` is the blocker); shared by both controllers. */
class BlockedUsersApi {
  constructor(private readonly bus: MessageBus) {}

  async block(appId: string, uid: string, body: unknown) {
    const input = parseOrThrow(BlockedUidsBodySchema, body ?? {});
    return ok(await this.bus.request(RPC.users.blockAdd, { appId, uid, ...input }));
  }

  async unblock(appId: string, uid: string, body: unknown) {
    const input = parseOrThrow(BlockedUidsBodySchema, body ?? {});
    return ok(await this.bus.request(RPC.users.blockRemove, { appId, uid, ...input }));
  }

  async list(appId: string, uid: string, query: unknown) {
    const q = parseOrThrow(BlockedListQuerySchema, query);
    return paged(await this.bus.request(RPC.users.blockList, { appId, uid, ...q }));
  }
}

/** A user's blocked users, managed with the REST API key (reference §4.5). */
@Controller(v3('users/:uid/blockedusers'))
export class UserBlockedUsersController {
  private readonly api: BlockedUsersApi;

  constructor(bus: MessageBus) {
    this.api = new BlockedUsersApi(bus);
  }

  @Post()
  @HttpCode(200)
  @ApiDoc({ summary: 'Block users; a result per uid', body: BlockedUidsBodySchema })
  block(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    return this.api.block(p.appId, idParam('uid', uid), body);
  }

  @Delete()
  @ApiDoc({ summary: 'Unblock users; a result per uid', body: BlockedUidsBodySchema })
  unblock(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    return this.api.unblock(p.appId, idParam('uid', uid), body);
  }

  @Get()
  @ApiDoc({
    summary: 'List blocked users (`direction`: blockedByMe, hasBlockedMe or both)',
    query: BlockedListQuerySchema,
  })
  list(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Query() query: unknown) {
    return this.api.list(p.appId, idParam('uid', uid), query);
  }
}

/**
 * The same for the calling user (what the CometChat SDK calls): a user's auth token, or the REST
 * API key with `onBehalfOf`.
 */
@Controller(v3('blockedusers'))
@Allow('fullAccess', 'user')
export class MyBlockedUsersController {
  private readonly api: BlockedUsersApi;

  constructor(bus: MessageBus) {
    this.api = new BlockedUsersApi(bus);
  }

  @Post()
  @HttpCode(200)
  @ApiDoc({ summary: 'Block users as the calling user', body: BlockedUidsBodySchema })
  block(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.api.block(p.appId, actingUid(p), body);
  }

  @Delete()
  @ApiDoc({ summary: 'Unblock users as the calling user', body: BlockedUidsBodySchema })
  unblock(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.api.unblock(p.appId, actingUid(p), body);
  }

  @Get()
  @ApiDoc({ summary: "List the calling user's blocked users", query: BlockedListQuerySchema })
  list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    return this.api.list(p.appId, actingUid(p), query);
  }
}
