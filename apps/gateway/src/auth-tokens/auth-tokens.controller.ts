import { Body, Controller, HttpCode, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  AuthTokenCreateBodySchema,
  AuthTokenUpdateBodySchema,
  PageQuerySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';

/** Auth tokens of a user (reference §4.3). */
@Controller(v3('users/:uid/auth_tokens'))
export class AuthTokensController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @Allow('fullAccess', 'authOnly')
  @ApiDoc({
    summary: 'Create an auth token for the user (a new one every time)',
    body: AuthTokenCreateBodySchema,
  })
  async create(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    const { force } = parseOrThrow(AuthTokenCreateBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.identity.tokenCreate, {
        appId: p.appId,
        uid: idParam('uid', uid),
        force,
      }),
    );
  }

  @Get()
  @ApiDoc({ summary: "List the user's auth tokens (masked)", query: PageQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Query() query: unknown) {
    const q = parseOrThrow(PageQuerySchema, query);
    return paged(
      await this.bus.request(RPC.identity.tokenList, {
        appId: p.appId,
        uid: idParam('uid', uid),
        ...q,
      }),
    );
  }

  @Delete()
  @ApiDoc({ summary: "Delete all of the user's auth tokens" })
  async flush(@CurrentPrincipal() p: Principal, @Param('uid') uid: string) {
    return ok(
      await this.bus.request(RPC.identity.tokenFlush, { appId: p.appId, uid: idParam('uid', uid) }),
    );
  }

  @Get(':authToken')
  @ApiDoc({ summary: 'Get an auth token' })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Param('authToken') authToken: string,
  ) {
    return ok(
      await this.bus.request(RPC.identity.tokenGet, {
        appId: p.appId,
        uid: idParam('uid', uid),
        authToken,
      }),
    );
  }

  @Put(':authToken')
  @ApiDoc({
    summary: "Update an auth token's platform, userAgent or appInfo",
    body: AuthTokenUpdateBodySchema,
  })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Param('authToken') authToken: string,
    @Body() body: unknown,
  ) {
    const input = parseOrThrow(AuthTokenUpdateBodySchema, body);
    return ok(
      await this.bus.request(RPC.identity.tokenUpdate, {
        appId: p.appId,
        uid: idParam('uid', uid),
        authToken,
        ...input,
      }),
    );
  }

  @Delete(':authToken')
  @ApiDoc({ summary: 'Delete an auth token' })
  async delete(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Param('authToken') authToken: string,
  ) {
    return ok(
      await this.bus.request(RPC.identity.tokenDelete, {
        appId: p.appId,
        uid: idParam('uid', uid),
        authToken,
      }),
    );
  }
}
