import { z } from 'zod';
import { IdSchema } from '../common.schema';
import { GroupSnapshotSchema, MemberScopeSchema } from './member-events.schema';

/**
 * rpc.groups.member.get: what `uid` is to the group right now. For services that keep an
 * event-fed membership model (messaging) and must decide at once about a group or member their
 * model has not heard of yet. An unknown group is ERR_GUID_NOT_FOUND.
 */
export const MemberGetSchema = z.object({ appId: z.string(), guid: IdSchema, uid: IdSchema });

/** The group, `uid`'s membership (null when not a member) and whether `uid` is banned. */
export const MemberLookupSchema = z.object({
  group: GroupSnapshotSchema,
  member: z.object({ scope: MemberScopeSchema, joinedAt: z.number().int() }).nullable(),
  banned: z.boolean(),
});
export type MemberLookup = z.infer<typeof MemberLookupSchema>;
