import { z } from 'zod';
import { IdSchema } from '../common.schema';
import { MessageSchema } from './message.schema';

/** `data.action` of the action messages a group membership event produces (reference §6.4). */
export const MEMBER_ACTIONS = [
  'joined',
  'left',
  'added',
  'kicked',
  'banned',
  'unbanned',
  'scopeChanged',
] as const;
export type MemberAction = (typeof MEMBER_ACTIONS)[number];

/**
 * rpc.messaging.action.mark: where a group's conversation stands now (its last seq, 0 before any
 * message), taken before a membership change whose action messages the caller will wait for.
 */
export const ActionMarkSchema = z.object({ appId: z.string(), guid: IdSchema });
export const ActionMarkResultSchema = z.object({ afterSeq: z.number().int().min(0) });

/**
 * rpc.messaging.action.await: the `action` messages on `uids` stored in the group's conversation
 * after `afterSeq`, waiting up to `waitMs` for the groups' events to be turned into them. Uids
 * whose message has not come by then are absent from `messages`.
 */
export const ActionAwaitSchema = z.object({
  appId: z.string(),
  guid: IdSchema,
  action: z.enum(MEMBER_ACTIONS),
  uids: z.array(IdSchema).min(1).max(100),
  afterSeq: z.number().int().min(0),
  waitMs: z.number().int().min(0).max(10_000).default(3_000),
});
export const ActionAwaitResultSchema = z.object({
  messages: z.record(z.string(), MessageSchema),
});
