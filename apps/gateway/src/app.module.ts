import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import {
  AppErasureConsumer,
  AppStoreErasure,
  loadConfig,
  PlatformModule,
  PresenceReader,
  RedisModule,
  ServiceModuleOptions,
} from '@parley/common';
import { AdminAppsController } from './admin/admin-apps.controller';
import { AdminWebhooksController } from './admin/admin-webhooks.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { CredentialCache } from './auth/credential-cache';
import { CredentialGuard } from './auth/credential.guard';
import { CallsController } from './calls/calls.controller';
import { AuthTokensController } from './auth-tokens/auth-tokens.controller';
import { GATEWAY_ENV, GatewayEnvSchema } from './config/gateway-env';
import { DashboardModule } from './dashboard/dashboard.module';
import { DataImportController } from './data-import/data-import.controller';
import {
  ConversationsController,
  GroupConversationController,
  MessageReceiptsController,
  UserConversationController,
} from './conversations/conversations.controller';
import { OpenApiController } from './docs/openapi.controller';
import { GroupsController } from './groups/groups.controller';
import {
  GroupBannedUsersController,
  GroupMembersController,
  GroupOwnerController,
} from './groups/members.controller';
import {
  MyBlockedUsersController,
  UserBlockedUsersController,
} from './relationships/blocked-users.controller';
import { MeController } from './me/me.controller';
import {
  GroupMessagesController,
  MessagesController,
  UserMessagesController,
} from './messages/messages.controller';
import { MeService } from './me/me.service';
import { InteractionsController } from './interactions/interactions.controller';
import { ReactionsController } from './reactions/reactions.controller';
import { OnlineMembersController } from './realtime/online-members.controller';
import { REALTIME_PROVIDERS } from './realtime/realtime.providers';
import { FriendsController } from './relationships/friends.controller';
import { rateLimitProviders } from './rate-limit/rate-limit.providers';
import { RateLimitAppErasure } from './rate-limit/rate-limit-app-erasure';
import { RolesController } from './roles/roles.controller';
import { UserErasureController } from './user-erasure/user-erasure.controller';
import { UserErasureService } from './user-erasure/user-erasure.service';
import { UserExportController } from './user-export/user-export.controller';
import { UserExportService } from './user-export/user-export.service';
import { UsersController } from './users/users.controller';

/**
 * The gateway: REST (CometChat v3), the operator API, docs; no database of its own. It serves
 * HTTP in the one-process mode too (`opts.http` is not read).
 */
export function gatewayModule(opts: Pick<ServiceModuleOptions, 'embedded'> = {}) {
  @Module({
    imports: [
      PlatformModule.forService({ name: 'gateway', embedded: opts.embedded }),
      // Rate limits fail open without Redis, so its outage must not take gateways out of rotation.
      ...(opts.embedded ? [] : [RedisModule.forRoot({ critical: false })]),
      DiscoveryModule,
      DashboardModule,
    ],
    controllers: [
      AdminAppsController,
      AdminWebhooksController,
      ApiKeysController,
      UsersController,
      DataImportController,
      AuthTokensController,
      FriendsController,
      UserBlockedUsersController,
      MyBlockedUsersController,
      RolesController,
      GroupsController,
      GroupMembersController,
      GroupBannedUsersController,
      GroupOwnerController,
      MeController,
      MessagesController,
      UserMessagesController,
      GroupMessagesController,
      ReactionsController,
      InteractionsController,
      ConversationsController,
      UserConversationController,
      GroupConversationController,
      MessageReceiptsController,
      CallsController,
      UserExportController,
      UserErasureController,
      OpenApiController,
      OnlineMembersController,
    ],
    providers: [
      PresenceReader,
      { provide: GATEWAY_ENV, useFactory: () => loadConfig(GatewayEnvSchema) },
      CredentialCache,
      CredentialGuard,
      { provide: APP_GUARD, useExisting: CredentialGuard },
      MeService,
      UserExportService,
      UserErasureService,
      ...REALTIME_PROVIDERS,
      ...rateLimitProviders(opts.embedded ? 'memory' : 'redis'),
      { provide: AppStoreErasure, useClass: RateLimitAppErasure },
      AppErasureConsumer,
    ],
  })
  class GatewayModule {}
  return GatewayModule;
}
