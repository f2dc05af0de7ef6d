import { z } from 'zod';

/**
 * WebSocket frames of CometChat's real-time protocol (reference
 * `cometchat-realtime-protocol.md` §5, API.md §4). Every frame is one JSON object. Lenient in what
 * it accepts: unknown fields pass through.
 */

/** Largest client frame, in bytes; a bigger one closes the socket (the ws library answers 1009). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** Close codes the gateway uses besides the standard ones (1001 going away, 1009 too big). */
export const REALTIME_CLOSE = {
  /** The frame was not a JSON object. */
  badFrame: 4400,
  /** No, a bad, or a revoked JWT; or the app was deleted; or a frame came before `auth`. */
  unauthenticated: 4401,
  /** No `auth` frame in time. */
  authTimeout: 4408,
  /** The socket did not read fast enough; the client reconnects and syncs by `seq`. */
  slowConsumer: 4008,
  /** Authentication could not finish (a service did not answer); try again. */
  tryAgainLater: 1013,
} as const;

/** Client -> server keep-alive, answered by `{action: "pong"}` (the SDK waits 3 s for it). */
export const PingFrameSchema = z.object({ action: z.literal('ping') }).passthrough();

/** The first frame of a session: the JWT from `PUT /v3.0/me`, and the client's session id. */
export const AuthFrameSchema = z
  .object({
    type: z.literal('auth'),
    appId: z.string().max(100).optional(),
    /** The session id (`WEB-4_2_0-<uuid>-<ms>`): frames this session caused come back with it. */
    deviceId: z.string().max(300).optional(),
    body: z
      .object({
        auth: z.string().min(1),
        deviceId: z.string().max(300).optional(),
        /** `ALL_USERS`, `ROLES` (with `roles`) or `FRIENDS`: whose presence frames it gets. */
        presenceSubscription: z.string().max(50).optional(),
        roles: z.array(z.string().max(100)).max(25).optional(),
        params: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type AuthFrame = z.infer<typeof AuthFrameSchema>;

/**
 * A server -> client frame as producers publish it on `deliver.<appId>.u.<uid>` and
 * `deliver.<appId>.g.<guid>` (core NATS, JSON). `deviceId` names the session that caused it (the
 * REST call's `resource` header or the sender's WebSocket session), so that session is skipped
 * while the sender's other sessions still get it. Gateways forward the published bytes as they are.
 */
export const DeliveryFrameSchema = z
  .object({
    appId: z.string(),
    type: z.string(),
    sender: z.string().optional(),
    receiver: z.string().optional(),
    receiverType: z.enum(['user', 'group']).optional(),
    deviceId: z.string().optional(),
    body: z.unknown(),
  })
  .passthrough();
export type DeliveryFrame = z.infer<typeof DeliveryFrameSchema>;

/** The server's answer to the `auth` frame. */
export type AuthReplyFrame = {
  appId?: string;
  type: 'auth';
  sender?: string;
  deviceId?: string;
  body:
    | { status: 'OK'; code: '200' }
    | { status: 'ERROR'; code: string; error: { code: string; message: string } };
};

/**
 * A client's `receipts` frame (the SDK's markAsDelivered/markAsRead): `receiver` is the other user
 * of the conversation or the group, `body.messageId` the message received or read (and every
 * earlier one). `messageSender` and `body.user` are the SDK's and not trusted.
 */
export const ClientReceiptFrameSchema = z
  .object({
    type: z.literal('receipts'),
    receiver: z.string().min(1).max(100),
    receiverType: z.enum(['user', 'group']),
    body: z
      .object({
        action: z.enum(['delivered', 'read']),
        messageId: z.union([z.string().regex(/^[1-9][0-9]{0,17}$/), z.number().int().min(1)]),
      })
      .passthrough(),
  })
  .passthrough();

/**
 * Whose `presence` frames a socket gets, from its `auth` frame (realtime reference §5): every user
 * of the app, the users of some roles, or the user's friends. Absent or unknown: none.
 */
export type PresenceSubscription =
  { kind: 'all' } | { kind: 'roles'; roles: string[] } | { kind: 'friends' } | { kind: 'none' };

export function presenceSubscriptionOf(body: AuthFrame['body']): PresenceSubscription {
  switch (body.presenceSubscription?.trim().toUpperCase()) {
    case 'ALL_USERS':
      return { kind: 'all' };
    case 'ROLES': {
      const roles = [...new Set((body.roles ?? []).map((r) => r.trim().toLowerCase()))].filter(
        (r) => ID_PATTERN.test(r),
      );
      return roles.length ? { kind: 'roles', roles } : { kind: 'none' };
    }
    case 'FRIENDS':
      return { kind: 'friends' };
    default:
      return { kind: 'none' };
  }
}

/** A uid, guid or role as stored (lower case), safe as a NATS subject token. */
const ID_PATTERN = /^[a-z0-9_-]{1,100}$/;

/** Frame types that are relayed from one client to others, never stored. */
export const EPHEMERAL_FRAME_TYPES = ['typing_indicator', 'transient_message', 'presence'] as const;

/**
 * A client's `typing_indicator` or `transient_message` frame: relayed to the other user, or to the
 * group's members, with the sender and its session filled in by the gateway (whatever the client
 * wrote there).
 */
export const RelayedClientFrameSchema = z
  .object({
    type: z.enum(['typing_indicator', 'transient_message']),
    receiver: z.string().trim().toLowerCase().regex(ID_PATTERN),
    receiverType: z.enum(['user', 'group']),
    body: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();
export type RelayedClientFrame = z.infer<typeof RelayedClientFrameSchema>;

/** `started` or `ended`: anything else in a typing frame is not relayed. */
export const TypingActionSchema = z.enum(['started', 'ended']);
