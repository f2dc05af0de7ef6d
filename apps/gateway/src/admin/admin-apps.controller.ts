import { Body, Controller, HttpCode, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import { AppCreateSchema, AppUpdateSchema, RPC } from '@parley/contracts';
import { AdminOnly } from '../auth/access.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok } from '../http/envelope';

/** The operator API (API.md §3): apps and their first keys. */
@Controller('admin/apps')
@AdminOnly()
export class AdminAppsController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @ApiDoc({
    summary: 'Create an app; the reply carries its REST (fullAccess) and Auth (authOnly) keys',
    body: AppCreateSchema,
  })
  async create(@Body() body: unknown) {
    return ok(await this.bus.request(RPC.identity.appCreate, parseOrThrow(AppCreateSchema, body)));
  }

  @Get()
  @ApiDoc({ summary: 'List apps' })
  async list() {
    return ok(await this.bus.request(RPC.identity.appList, {}));
  }

  @Get(':appId')
  @ApiDoc({ summary: 'Get an app' })
  async get(@Param('appId') appId: string) {
    return ok(await this.bus.request(RPC.identity.appGet, { appId: appId.toLowerCase() }));
  }

  @Patch(':appId')
  @ApiDoc({
    summary: "Change an app's name or rate limits",
    body: AppUpdateSchema.omit({ appId: true }),
  })
  async update(@Param('appId') appId: string, @Body() body: unknown) {
    const input = parseOrThrow(AppUpdateSchema, {
      ...(body as object),
      appId: appId.toLowerCase(),
    });
    return ok(await this.bus.request(RPC.identity.appUpdate, input));
  }

  @Delete(':appId')
  @ApiDoc({ summary: 'Delete an app and erase its data' })
  async delete(@Param('appId') appId: string) {
    return ok(await this.bus.request(RPC.identity.appDelete, { appId: appId.toLowerCase() }));
  }
}
