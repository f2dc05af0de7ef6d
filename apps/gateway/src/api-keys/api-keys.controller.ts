import { Body, Controller, HttpCode, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  ApiKeyCreateBodySchema,
  ApiKeyListQuerySchema,
  ApiKeyUpdateBodySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { v3 } from '../http/routes';

/** API keys of the calling app (reference §4.1); fullAccess keys only. */
@Controller(v3('apikeys'))
export class ApiKeysController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @ApiDoc({
    summary: 'Create an API key (the only reply that shows the whole key)',
    body: ApiKeyCreateBodySchema,
  })
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const input = parseOrThrow(ApiKeyCreateBodySchema, body);
    return ok(await this.bus.request(RPC.identity.apiKeyCreate, { appId: p.appId, ...input }));
  }

  @Get()
  @ApiDoc({ summary: 'List API keys (masked)', query: ApiKeyListQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    const q = parseOrThrow(ApiKeyListQuerySchema, query);
    return paged(await this.bus.request(RPC.identity.apiKeyList, { appId: p.appId, ...q }));
  }

  @Get(':apiKey')
  @ApiDoc({ summary: 'Get an API key' })
  async get(@CurrentPrincipal() p: Principal, @Param('apiKey') apiKey: string) {
    return ok(await this.bus.request(RPC.identity.apiKeyGet, { principal: p, apiKey }));
  }

  @Put(':apiKey')
  @ApiDoc({
    summary: 'Rename an API key or change its scope (not the key in use)',
    body: ApiKeyUpdateBodySchema,
  })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('apiKey') apiKey: string,
    @Body() body: unknown,
  ) {
    const input = parseOrThrow(ApiKeyUpdateBodySchema, body);
    return ok(
      await this.bus.request(RPC.identity.apiKeyUpdate, { principal: p, apiKey, ...input }),
    );
  }

  @Delete(':apiKey')
  @ApiDoc({ summary: 'Delete an API key (not the key in use)' })
  async delete(@CurrentPrincipal() p: Principal, @Param('apiKey') apiKey: string) {
    return ok(await this.bus.request(RPC.identity.apiKeyDelete, { principal: p, apiKey }));
  }
}
