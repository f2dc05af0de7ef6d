import { z } from 'zod';
import { MessageSchema } from '../messaging/message.schema';

/**
 * Calls (ARCHITECTURE.md §8; reference §6.5): presence owns each call's state, every transition
 * is stored by messaging as a `call` category message whose `data.action` is the status.
 */
export const CALL_STATUSES = [
  'initiated',
  'ongoing',
  'unanswered',
  'rejected',
  'busy',
  'cancelled',
  'ended',
] as const;
export const CallStatusSchema = z.enum(CALL_STATUSES);
export type CallStatus = z.infer<typeof CallStatusSchema>;
export const CallTypeSchema = z.enum(['audio', 'video']);

/**
 * What a call message's `data.action` says: the call's new status, or, in a group call, one
 * member's step that leaves the status as it is (`ongoing` for a join, `rejected` for a member who
 * declines, `left` for a member who leaves while others stay).
 */
export const CallActionSchema = z.enum([...CALL_STATUSES, 'left']);
export type CallAction = z.infer<typeof CallActionSchema>;

/** One stay of a member in a group call (a member who leaves and joins again has two). */
export const CallParticipantSchema = z.object({
  uid: z.string(),
  joinedAt: z.number().int(),
  leftAt: z.number().int().optional(),
});
export type CallParticipant = z.infer<typeof CallParticipantSchema>;

/**
 * A call as presence holds it and `data.entities.on.entity` shows it. Times in Unix seconds.
 * A group call (`receiverType: 'group'`, `receiver` the guid) also lists its `participants` and
 * counts its transitions in `version`; `joinedAt` is its first join after the initiator's.
 */
export const CallSchema = z.object({
  sessionid: z.string(),
  type: CallTypeSchema,
  sender: z.string(),
  receiver: z.string(),
  receiverType: z.enum(['user', 'group']),
  status: CallStatusSchema,
  initiatedAt: z.number().int(),
  joinedAt: z.number().int().optional(),
  endedAt: z.number().int().optional(),
  participants: z.array(CallParticipantSchema).optional(),
  version: z.number().int().optional(),
});
export type Call = z.infer<typeof CallSchema>;

/** The SDK's `initiateCall` body (POST /calls): a call message to a user or a group. */
export const CallInitiateBodySchema = z.object({
  receiver: z.string().trim().toLowerCase().min(1).max(100),
  receiverType: z.enum(['user', 'group']),
  type: CallTypeSchema,
  category: z.literal('call').optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** The SDK's `acceptCall`/`rejectCall`/`endCall` body (PUT /calls/{sessionid}). */
export const CallUpdateBodySchema = z.object({
  status: CallStatusSchema.exclude(['initiated']),
  joinedAt: z.coerce.number().int().optional(),
});

export const CallInitiateSchema = z.object({
  appId: z.string(),
  sender: z.string(),
  deviceId: z.string().optional(),
  call: CallInitiateBodySchema,
});
export const CallUpdateSchema = z.object({
  appId: z.string(),
  uid: z.string(),
  sessionId: z.string(),
  deviceId: z.string().optional(),
  update: CallUpdateBodySchema,
});

/** Messaging stores one transition: `actor` is who made it (the caller, the callee, or timeout). */
export const CallMessageStoreSchema = z.object({
  appId: z.string(),
  actor: z.string(),
  call: CallSchema,
  /** The message's `data.action`: the call's status unless told. */
  action: CallActionSchema.optional(),
  deviceId: z.string().optional(),
});
export const CallMessageReplySchema = MessageSchema;

/** The call log API (reference §4.10): calls of the app, or of one user (`uid`). */
export const CallLogQuerySchema = z.object({
  perPage: z.coerce.number().int().min(1).max(100).default(100),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export const CallLogListSchema = CallLogQuerySchema.extend({
  appId: z.string(),
  uid: z.string().optional(),
});
export const CallLogGetSchema = z.object({
  appId: z.string(),
  uid: z.string().optional(),
  sessionId: z.string(),
});
/** One call log object (reference §4.10), as loose JSON. */
export const CallLogSchema = z.record(z.string(), z.unknown());

/**
 * Signalling (SDP offers and answers, ICE candidates) between the parties of a call, relayed over
 * the WebSocket and never stored. Parley does not read `data`; it only bounds its size.
 */
export const MAX_CALL_SIGNAL_BYTES = 16 * 1024;

/**
 * A client's `call_signal` frame: `body.data` for the other party of the call `body.sessionId`,
 * or in a group call for the joined member `receiver` (absent: every other joined member).
 */
export const CallSignalFrameSchema = z
  .object({
    type: z.literal('call_signal'),
    receiver: z.string().trim().toLowerCase().min(1).max(100).optional(),
    body: z
      .object({ sessionId: z.string().min(1).max(200), data: z.unknown() })
      .passthrough()
      .refine((b) => b.data !== undefined, { message: 'body.data is required' }),
  })
  .passthrough();

/** rpc.presence.call.signal: `uid` on session `deviceId` signals `to` (or every other party). */
export const CallSignalSchema = z.object({
  appId: z.string(),
  uid: z.string(),
  deviceId: z.string().optional(),
  sessionId: z.string().min(1).max(200),
  to: z.string().optional(),
  data: z
    .unknown()
    .refine((d) => d !== undefined && JSON.stringify(d).length <= MAX_CALL_SIGNAL_BYTES, {
      message: `data must be JSON of at most ${MAX_CALL_SIGNAL_BYTES} bytes`,
    }),
});
/** Who the signal was relayed to. */
export const CallSignalReplySchema = z.object({ to: z.array(z.string()) });
