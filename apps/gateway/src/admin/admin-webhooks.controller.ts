import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  DeliveryListQuerySchema,
  PageQuerySchema,
  RPC,
  WEBHOOK_TRIGGERS,
  WebhookCreateBodySchema,
  WebhookCreateSchema,
  WebhookTriggersBodySchema,
  WebhookUpdateBodySchema,
  WebhookUpdateSchema,
} from '@parley/contracts';
import { AdminOnly } from '../auth/access.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';

const app = (appId: string) => appId.toLowerCase();
const body = (b: unknown): object => (b && typeof b === 'object' ? b : {});

/**
 * The operator's webhooks of an app (API.md §3): endpoints, their triggers (CometChat's management
 * API shape) and their delivery logs.
 */
@Controller('admin/apps/:appId/webhooks')
@AdminOnly()
export class AdminWebhooksController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @ApiDoc({
    summary: 'Create a webhook; the reply carries its signing secret',
    body: WebhookCreateBodySchema,
  })
  async create(@Param('appId') appId: string, @Body() b: unknown) {
    const input = parseOrThrow(WebhookCreateSchema, { ...body(b), appId: app(appId) });
    return ok(await this.bus.request(RPC.webhooks.webhookCreate, input));
  }

  @Get()
  @ApiDoc({ summary: "List the app's webhooks", query: PageQuerySchema })
  async list(@Param('appId') appId: string, @Query() query: unknown) {
    const q = parseOrThrow(PageQuerySchema, query);
    return paged(await this.bus.request(RPC.webhooks.webhookList, { appId: app(appId), ...q }));
  }

  /** Every trigger a webhook may subscribe to (static: the same for every app). */
  @Get('triggers')
  @ApiDoc({ summary: 'List the webhook triggers' })
  triggers() {
    return ok(
      WEBHOOK_TRIGGERS.map((t) => ({
        trigger: t.trigger,
        description: t.description,
        event: t.event.name,
        subject: t.event.subject('{appId}'),
      })),
    );
  }

  @Get(':id')
  @ApiDoc({ summary: 'Get a webhook' })
  async get(@Param('appId') appId: string, @Param('id') id: string) {
    return ok(await this.bus.request(RPC.webhooks.webhookGet, { appId: app(appId), id }));
  }

  @Put(':id')
  @ApiDoc({
    summary: 'Update a webhook (`enabled: false` pauses its deliveries, `true` resumes them)',
    body: WebhookUpdateBodySchema,
  })
  async update(@Param('appId') appId: string, @Param('id') id: string, @Body() b: unknown) {
    const input = parseOrThrow(WebhookUpdateSchema, { ...body(b), appId: app(appId), id });
    return ok(await this.bus.request(RPC.webhooks.webhookUpdate, input));
  }

  @Delete(':id')
  @ApiDoc({ summary: 'Delete a webhook and its delivery log' })
  async delete(@Param('appId') appId: string, @Param('id') id: string) {
    return ok(await this.bus.request(RPC.webhooks.webhookDelete, { appId: app(appId), id }));
  }

  @Get(':id/triggers')
  @ApiDoc({ summary: "List a webhook's triggers" })
  async listTriggers(@Param('appId') appId: string, @Param('id') id: string) {
    const webhook = await this.bus.request(RPC.webhooks.webhookGet, { appId: app(appId), id });
    return ok({ triggerIds: webhook.triggers });
  }

  @Post(':id/triggers')
  @HttpCode(200)
  @ApiDoc({ summary: 'Subscribe a webhook to more triggers', body: WebhookTriggersBodySchema })
  async addTriggers(@Param('appId') appId: string, @Param('id') id: string, @Body() b: unknown) {
    const { triggerIds } = parseOrThrow(WebhookTriggersBodySchema, b);
    const webhook = await this.bus.request(RPC.webhooks.triggersAdd, {
      appId: app(appId),
      id,
      triggerIds,
    });
    return ok({ triggerIds: webhook.triggers });
  }

  @Delete(':id/triggers')
  @ApiDoc({ summary: 'Unsubscribe a webhook from triggers', body: WebhookTriggersBodySchema })
  async removeTriggers(@Param('appId') appId: string, @Param('id') id: string, @Body() b: unknown) {
    const { triggerIds } = parseOrThrow(WebhookTriggersBodySchema, b);
    const webhook = await this.bus.request(RPC.webhooks.triggersRemove, {
      appId: app(appId),
      id,
      triggerIds,
    });
    return ok({ triggerIds: webhook.triggers });
  }

  @Get(':id/deliveries')
  @ApiDoc({
    summary: "A webhook's delivery log, newest first, each with its latest attempts",
    query: DeliveryListQuerySchema,
  })
  async deliveries(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Query() query: unknown,
  ) {
    const q = parseOrThrow(DeliveryListQuerySchema, query);
    return paged(
      await this.bus.request(RPC.webhooks.deliveryList, { appId: app(appId), id, ...q }),
    );
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @ApiDoc({ summary: 'Send a finished (succeeded or failed) delivery again: same id and body' })
  async redeliver(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return ok(
      await this.bus.request(RPC.webhooks.deliveryRedeliver, {
        appId: app(appId),
        id,
        deliveryId,
      }),
    );
  }
}
