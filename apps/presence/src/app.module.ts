import { Module, Provider } from '@nestjs/common';
import {
  AppErasureConsumer,
  AppStoreErasure,
  loadConfig,
  PlatformModule,
  RedisModule,
  ServiceModuleOptions,
} from '@parley/common';
import { CallRecorder } from './calls/call-recorder';
import { CallTimeoutSweeper } from './calls/call-timeout.sweeper';
import { CallHandler } from './calls/call.handler';
import { CallService } from './calls/call.service';
import { MemoryCallStore } from './calls/call.memory-store';
import { RedisCallStore } from './calls/call.redis-store';
import { CallStore } from './calls/call.store';
import { GroupCallService } from './calls/group-call.service';
import { PRESENCE_ENV, PresenceEnvSchema } from './config/presence-env';
import { GatewaySweeper } from './presence/gateway-sweeper';
import { PresenceAppErasure } from './presence/presence-app-erasure';
import { PresenceAnnouncer } from './presence/presence-announcer';
import { PresenceHandler } from './presence/presence.handler';
import { PresenceMetrics } from './presence/presence.metrics';
import { PresenceService } from './presence/presence.service';
import { MemoryPresenceStore } from './presence/presence.memory-store';
import { RedisPresenceStore } from './presence/presence.redis-store';
import { PresenceStore } from './presence/presence.store';

/** Presence and call state: in Redis, or in memory in the one-process mode (no replicas). */
const REDIS_STORES: Provider[] = [
  { provide: PresenceStore, useClass: RedisPresenceStore },
  { provide: CallStore, useClass: RedisCallStore },
];
const MEMORY_STORES: Provider[] = [
  { provide: PresenceStore, useClass: MemoryPresenceStore },
  { provide: CallStore, useClass: MemoryCallStore },
];

/** Presence: who is online, from the sockets gateways report, and calls (no database). */
export function presenceModule(opts: ServiceModuleOptions = {}) {
  @Module({
    imports: [
      PlatformModule.forService({ name: 'presence', http: opts.http, embedded: opts.embedded }),
      ...(opts.embedded ? [] : [RedisModule.forRoot()]),
    ],
    providers: [
      { provide: PRESENCE_ENV, useFactory: () => loadConfig(PresenceEnvSchema) },
      ...(opts.embedded ? MEMORY_STORES : REDIS_STORES),
      PresenceMetrics,
      PresenceAnnouncer,
      PresenceService,
      PresenceHandler,
      GatewaySweeper,
      CallRecorder,
      GroupCallService,
      CallService,
      CallHandler,
      CallTimeoutSweeper,
      { provide: AppStoreErasure, useClass: PresenceAppErasure },
      AppErasureConsumer,
    ],
  })
  class PresenceModule {}
  return PresenceModule;
}
