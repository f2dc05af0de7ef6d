import { Provider } from '@nestjs/common';
import { ClientReceipts } from './client-receipts';
import { ConnectionRegistry } from './connection-registry';
import { GroupDirectory } from './group-directory';
import { RealtimeAuth } from './realtime-auth';
import { RealtimeEventsListener } from './realtime-events.listener';
import { REALTIME_LIMITS, REALTIME_LIMITS_TOKEN } from './realtime-limits';
import { RealtimeServer } from './realtime.server';

/** The WebSocket (ARCHITECTURE.md §7): endpoint, sockets and subscriptions, the events they follow. */
export const REALTIME_PROVIDERS: Provider[] = [
  { provide: REALTIME_LIMITS_TOKEN, useValue: REALTIME_LIMITS },
  GroupDirectory,
  RealtimeAuth,
  ConnectionRegistry,
  ClientReceipts,
  RealtimeEventsListener,
  RealtimeServer,
];
