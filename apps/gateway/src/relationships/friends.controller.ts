import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  FriendListQuerySchema,
  FriendsAddBodySchema,
  FriendsRemoveBodySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';

/** A user's friends (reference §4.5). REST API key only. */
@Controller(v3('users/:uid/friends'))
export class FriendsController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @ApiDoc({
    summary: 'Add friends (accepted at once, both ways); a result per uid',
    body: FriendsAddBodySchema,
  })
  async add(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    const input = parseOrThrow(FriendsAddBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.users.friendAdd, {
        appId: p.appId,
        uid: idParam('uid', uid),
        ...input,
      }),
    );
  }

  @Get()
  @ApiDoc({ summary: "List the user's friends", query: FriendListQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Query() query: unknown) {
    const q = parseOrThrow(FriendListQuerySchema, query);
    return paged(
      await this.bus.request(RPC.users.friendList, {
        appId: p.appId,
        uid: idParam('uid', uid),
        ...q,
      }),
    );
  }

  @Delete()
  @ApiDoc({
    summary: 'Remove friends (all or nothing: ERR_NOT_A_FRIEND if any is not a friend)',
    body: FriendsRemoveBodySchema,
  })
  async remove(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    const input = parseOrThrow(FriendsRemoveBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.users.friendRemove, {
        appId: p.appId,
        uid: idParam('uid', uid),
        ...input,
      }),
    );
  }
}
