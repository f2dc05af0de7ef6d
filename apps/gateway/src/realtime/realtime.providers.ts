import { Provider } from '@nestjs/common';
import { BlockDirectory } from './block-directory';
import { ClientReceipts } from './client-receipts';
import { ClientFrameRelay } from './client-frame-relay';
import { ConnectionRegistry } from './connection-registry';
import { FriendDirectory } from './friend-directory';
import { GroupDirectory } from './group-directory';
import { PresenceInterest } from './presence-interest';
import { PresenceReporter } from './presence-reporter';
import { RealtimeAuth } from './realtime-auth';
import { RealtimeEventsListener } from './realtime-events.listener';
import { REALTIME_LIMITS, REALTIME_LIMITS_TOKEN } from './realtime-limits';
import { RealtimeMetrics } from './realtime.metrics';
import { RealtimeServer } from './realtime.server';
import { SessionPresence } from './session-presence';
import { UserCards } from './user-cards';

/** The WebSocket (ARCHITECTURE.md §7): endpoint, sockets and subscriptions, the events they follow. */
export const REALTIME_PROVIDERS: Provider[] = [
  { provide: REALTIME_LIMITS_TOKEN, useValue: REALTIME_LIMITS },
  RealtimeMetrics,
  GroupDirectory,
  FriendDirectory,
  BlockDirectory,
  RealtimeAuth,
  ConnectionRegistry,
  ClientReceipts,
  PresenceInterest,
  PresenceReporter,
  SessionPresence,
  UserCards,
  ClientFrameRelay,
  RealtimeEventsListener,
  RealtimeServer,
];
