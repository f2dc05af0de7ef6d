import { Module } from '@nestjs/common';
import {
  AppErasureConsumer,
  AppStoreErasure,
  loadConfig,
  PlatformModule,
  RedisModule,
} from '@parley/common';
import { CallRecorder } from './calls/call-recorder';
import { CallTimeoutSweeper } from './calls/call-timeout.sweeper';
import { CallHandler } from './calls/call.handler';
import { CallService } from './calls/call.service';
import { CallStore } from './calls/call.store';
import { GroupCallService } from './calls/group-call.service';
import { PRESENCE_ENV, PresenceEnvSchema } from './config/presence-env';
import { GatewaySweeper } from './presence/gateway-sweeper';
import { PresenceAppErasure } from './presence/presence-app-erasure';
import { PresenceAnnouncer } from './presence/presence-announcer';
import { PresenceHandler } from './presence/presence.handler';
import { PresenceMetrics } from './presence/presence.metrics';
import { PresenceService } from './presence/presence.service';
import { PresenceStore } from './presence/presence.store';

/** Presence: who is online, from the sockets gateways report, and calls (Redis, no database). */
@Module({
  providers: [
    { provide: PRESENCE_ENV, useFactory: () => loadConfig(PresenceEnvSchema) },
    PresenceStore,
    PresenceMetrics,
    PresenceAnnouncer,
    PresenceService,
    PresenceHandler,
    GatewaySweeper,
    CallStore,
    CallRecorder,
    GroupCallService,
    CallService,
    CallHandler,
    CallTimeoutSweeper,
    { provide: AppStoreErasure, useClass: PresenceAppErasure },
    AppErasureConsumer,
  ],
})
export class PresenceFeaturesModule {}

export function presenceModule(opts: { http?: boolean } = {}) {
  @Module({
    imports: [
      PlatformModule.forService({ name: 'presence', http: opts.http }),
      RedisModule.forRoot(),
      PresenceFeaturesModule,
    ],
  })
  class PresenceModule {}
  return PresenceModule;
}
