import { Module } from '@nestjs/common';
import {
  AppErasureConsumer,
  loadConfig,
  PlatformModule,
  SecretGenerator,
  ServiceModuleOptions,
} from '@parley/common';
import { WEBHOOKS_ENV, WebhooksEnvSchema } from './config/webhooks-env';
import { WEBHOOKS_SCOPE, WebhooksScope } from './config/webhooks-scope';
import { DeliveryHandler } from './deliveries/delivery.handler';
import { DeliveryLogPruner } from './deliveries/delivery-log.pruner';
import { DeliveryLogService } from './deliveries/delivery-log.service';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { DeliveryNudge } from './dispatch/delivery-nudge';
import { DeliveryWorker } from './dispatch/delivery.worker';
import { RetryPolicy } from './dispatch/retry-policy';
import { WebhookMetrics } from './dispatch/webhook.metrics';
import { WebhookSender } from './dispatch/webhook-sender';
import { EndpointHandler } from './endpoints/endpoint.handler';
import { EndpointRepository } from './endpoints/endpoint.repository';
import { EndpointService } from './endpoints/endpoint.service';
import { EndpointTriggers } from './endpoints/endpoint-triggers';
import { EventConsumer } from './events/event.consumer';
import { EventRouter } from './events/event-router';
import { WebhooksInitial1764540000000 } from './migrations/1764540000000-webhooks-initial';

export const WEBHOOKS_DATABASE = {
  schema: 'webhooks',
  // Raw SQL throughout (see the repositories); the outbox entity is added by the platform.
  entities: [],
  migrations: [WebhooksInitial1764540000000],
};

/**
 * Webhooks: endpoints, triggers and the delivery log (schema `webhooks`). Consumes every event
 * stream and delivers signed POSTs with retries (ARCHITECTURE.md §1).
 *
 * `scope` narrows the process to one app with consumers of its own (tests beside a platform);
 * `workers: false` leaves out sending (tests of what the consumers write).
 */
export function webhooksModule(
  opts: ServiceModuleOptions & { scope?: Partial<WebhooksScope>; workers?: boolean } = {},
) {
  const scope: WebhooksScope = { consumerPrefix: 'webhooks', ...opts.scope };
  @Module({
    imports: [
      PlatformModule.forService({
        name: 'webhooks',
        database: WEBHOOKS_DATABASE,
        http: opts.http,
        embedded: opts.embedded,
      }),
    ],
    providers: [
      { provide: WEBHOOKS_ENV, useFactory: () => loadConfig(WebhooksEnvSchema) },
      { provide: WEBHOOKS_SCOPE, useValue: scope },
      SecretGenerator,
      AppErasureConsumer,
      EndpointRepository,
      EndpointTriggers,
      EndpointService,
      EndpointHandler,
      DeliveryRepository,
      DeliveryLogService,
      DeliveryHandler,
      DeliveryNudge,
      EventRouter,
      EventConsumer,
      RetryPolicy,
      WebhookSender,
      WebhookMetrics,
      ...(opts.workers === false ? [] : [DeliveryWorker, DeliveryLogPruner]),
    ],
  })
  class WebhooksModule {}
  return WebhooksModule;
}
