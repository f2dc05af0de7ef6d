/**
 * @parley/sdk: Parley's typed client for browsers and Node. `ParleyClient` is one user's session
 * (REST and real time, with gap-free delivery by seq); `ParleyAdmin` is the server side with the
 * app's REST API key. It uses only the platform's `fetch` and `WebSocket` (in Node 20, pass `ws`).
 */
export { ParleyAdmin, type AdminOptions } from './admin';
export {
  customMessage,
  interactiveMessage,
  mediaMessage,
  newMuid,
  textMessage,
  type MessageQuery,
  type OutgoingMessage,
} from './chat-api';
export {
  ParleyClient,
  defaultSocketUrl,
  type ClientOptions,
  type LoginCredential,
  type ParleyClientEvents,
} from './client';
export {
  ConversationSync,
  conversationRefOf,
  type ConversationSyncDeps,
  type ConversationSyncOptions,
} from './conversation-sync';
export { Backoff, type BackoffOptions } from './backoff';
export * from './models';
export {
  RealtimeConnection,
  type ConnectionState,
  type Frame,
  type WebSocketConstructor,
  type WebSocketLike,
} from './realtime-connection';
export { ParleyError, type FetchLike } from './rest-transport';
