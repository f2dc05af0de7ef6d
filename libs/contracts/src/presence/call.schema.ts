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

/** A call as presence holds it and `data.entities.on.entity` shows it. Times in Unix seconds. */
export const CallSchema = z.object({
  sessionid: z.string(),
  type: CallTypeSchema,
  sender: z.string(),
  receiver: z.string(),
  receiverType: z.literal('user'),
  status: CallStatusSchema,
  initiatedAt: z.number().int(),
  joinedAt: z.number().int().optional(),
  endedAt: z.number().int().optional(),
});
export type Call = z.infer<typeof CallSchema>;

/** The SDK's `initiateCall` body (POST /calls): a call message to a user. */
export const CallInitiateBodySchema = z.object({
  receiver: z.string().min(1).max(100),
  receiverType: z.literal('user', {
    message: "receiverType must be 'user' (group calls are not offered yet)",
  }),
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
