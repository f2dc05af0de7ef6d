import { Body, Controller, HttpCode, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  Principal,
  RoleCreateBodySchema,
  RoleListQuerySchema,
  RoleUpdateBodySchema,
  RPC,
} from '@parley/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';

/** Roles of the calling app (reference §4.4); fullAccess keys only. */
@Controller(v3('roles'))
export class RolesController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @ApiDoc({ summary: 'Create a role', body: RoleCreateBodySchema })
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const input = parseOrThrow(RoleCreateBodySchema, body);
    return ok(await this.bus.request(RPC.users.roleCreate, { appId: p.appId, ...input }));
  }

  @Get()
  @ApiDoc({ summary: 'List roles (`default` is always among them)', query: RoleListQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    const q = parseOrThrow(RoleListQuerySchema, query);
    return paged(await this.bus.request(RPC.users.roleList, { appId: p.appId, ...q }));
  }

  @Get(':role')
  @ApiDoc({ summary: 'Get a role' })
  async get(@CurrentPrincipal() p: Principal, @Param('role') role: string) {
    return ok(
      await this.bus.request(RPC.users.roleGet, { appId: p.appId, role: idParam('role', role) }),
    );
  }

  @Put(':role')
  @ApiDoc({
    summary: 'Update a role (`settings` merge; `unset` clears fields)',
    body: RoleUpdateBodySchema,
  })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('role') role: string,
    @Body() body: unknown,
  ) {
    const input = parseOrThrow(RoleUpdateBodySchema, body);
    return ok(
      await this.bus.request(RPC.users.roleUpdate, {
        appId: p.appId,
        role: idParam('role', role),
        ...input,
      }),
    );
  }

  @Delete(':role')
  @ApiDoc({ summary: 'Delete a role (not `default`); its users get the `default` role' })
  async delete(@CurrentPrincipal() p: Principal, @Param('role') role: string) {
    return ok(
      await this.bus.request(RPC.users.roleDelete, { appId: p.appId, role: idParam('role', role) }),
    );
  }
}
