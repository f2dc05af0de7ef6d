import { Body, Controller, HttpCode, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  Principal,
  RPC,
  UserCreateBodySchema,
  UserDeleteBodySchema,
  UserListQuerySchema,
  UserUpdateBodySchema,
  UsersActivateBodySchema,
  UsersDeactivateBodySchema,
} from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { profileUpdate } from './profile-update';

/** Users (reference §4.2). */
@Controller(v3('users'))
export class UsersController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @Allow('fullAccess', 'authOnly')
  @ApiDoc({
    summary: 'Create a user (with `withAuthToken`, the reply carries an auth token)',
    body: UserCreateBodySchema,
  })
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const input = parseOrThrow(UserCreateBodySchema, body);
    return ok(await this.bus.request(RPC.users.userCreate, { appId: p.appId, ...input }));
  }

  @Get()
  @Allow('fullAccess', 'user')
  @ApiDoc({ summary: 'List users', query: UserListQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    const q = parseOrThrow(UserListQuerySchema, query);
    return paged(
      await this.bus.request(RPC.users.userList, { appId: p.appId, viewer: p.uid, ...q }),
    );
  }

  @Delete()
  @ApiDoc({
    summary: 'Deactivate users (they then behave as not found)',
    body: UsersDeactivateBodySchema,
  })
  async deactivate(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { uidsToDeactivate } = parseOrThrow(UsersDeactivateBodySchema, body);
    return ok(
      await this.bus.request(RPC.users.usersDeactivate, { appId: p.appId, uids: uidsToDeactivate }),
    );
  }

  @Put()
  @ApiDoc({ summary: 'Reactivate deactivated users', body: UsersActivateBodySchema })
  async reactivate(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { uidsToActivate } = parseOrThrow(UsersActivateBodySchema, body);
    return ok(
      await this.bus.request(RPC.users.usersActivate, { appId: p.appId, uids: uidsToActivate }),
    );
  }

  @Get(':uid')
  @Allow('fullAccess', 'user')
  @ApiDoc({ summary: 'Get a user' })
  async get(@CurrentPrincipal() p: Principal, @Param('uid') uid: string) {
    return ok(
      await this.bus.request(RPC.users.userGet, {
        appId: p.appId,
        uid: idParam('uid', uid),
        viewer: p.uid,
      }),
    );
  }

  @Put(':uid')
  @Allow('fullAccess', 'authOnly')
  @ApiDoc({
    summary:
      "Update a user (`unset` clears fields). The auth key (the SDK's `updateUser`) may change the profile, not the role",
    body: UserUpdateBodySchema,
  })
  async update(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    const target = { appId: p.appId, uid: idParam('uid', uid) };
    // The auth key already creates users and logs in as any of them, so it may change a profile
    // too; a role stays the REST key's to give (reference §1.3).
    const input =
      p.kind === 'authOnly'
        ? await profileUpdate(this.bus, target, body, 'The auth key')
        : parseOrThrow(UserUpdateBodySchema, body);
    return ok(await this.bus.request(RPC.users.userUpdate, { ...target, ...input }));
  }

  @Delete(':uid')
  @ApiDoc({
    summary:
      'Delete a user (soft, or `permanent`: erased in every service; the answer carries the `erasureId` its report is read under, GET /v3/users/{uid}/erasures/{erasureId})',
    body: UserDeleteBodySchema,
  })
  async delete(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    const input = parseOrThrow(UserDeleteBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.users.userDelete, {
        appId: p.appId,
        uid: idParam('uid', uid),
        ...input,
      }),
    );
  }
}
