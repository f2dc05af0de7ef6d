import { z } from 'zod';
import { BoolLike, CsvArray, IdSchema, PageQuerySchema, TagsSchema } from '../common.schema';
import { MessageIdSchema, MessageSchema } from './message.schema';

/** The other side of a user's conversation: a user (1:1) or a group. */
export const ConversationTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), uid: IdSchema }),
  z.object({ kind: z.literal('group'), guid: IdSchema }),
]);
export type ConversationTarget = z.output<typeof ConversationTargetSchema>;

/**
 * A conversation as one user sees it (reference §5.5, API.md §3): `conversationWith` is the other
 * user or the group, `lastMessage` the newest message they may see, `unreadMessageCount` exact.
 * Parley adds `lastSeq`, `readSeq`, `deliveredSeq`; the client SDK also reads `latestMessageId`
 * and `lastReadMessageId`.
 */
export const ConversationSchema = z.object({
  conversationId: z.string(),
  conversationType: z.enum(['user', 'group']),
  conversationWith: z.record(z.string(), z.unknown()),
  lastMessage: MessageSchema.optional(),
  unreadMessageCount: z.number().int(),
  tags: z.array(z.string()),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  lastSeq: z.number().int(),
  readSeq: z.number().int(),
  deliveredSeq: z.number().int(),
  latestMessageId: z.string().optional(),
  lastReadMessageId: z.string().optional(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

const csv = (max: number) => CsvArray.pipe(z.array(z.string().max(100)).max(max));

/**
 * GET /conversations (reference §4.9): page-based (`perPage`, the SDK's `per_page`, and `page`),
 * newest activity first. `tags` filters by the conversation's tags (the user's own), `userTags` and
 * `groupTags` by the tags of the user or group it is with; `searchKey` matches the name or id of
 * that user or group; `unread` keeps conversations with unread messages. Fields the client SDK
 * sends for features Parley does not have (`includeBlockedUsers`, `withBlockedInfo`,
 * `hideAgentic`, `onlyAgentic`) are accepted and change nothing.
 */
export const ConversationListQuerySchema = PageQuerySchema.extend({
  conversationType: z.enum(['user', 'group']).optional(),
  searchKey: z.string().max(100).optional(),
  tags: csv(25).optional(),
  withTags: BoolLike.optional(),
  userTags: csv(25).optional(),
  groupTags: csv(25).optional(),
  withUserAndGroupTags: BoolLike.optional(),
  unread: BoolLike.optional(),
  includeBlockedUsers: BoolLike.optional(),
  withBlockedInfo: BoolLike.optional(),
  hideAgentic: BoolLike.optional(),
  onlyAgentic: BoolLike.optional(),
});
export type ConversationListQuery = z.output<typeof ConversationListQuerySchema>;

/** rpc.messaging.conversation.list: a user's conversations. */
export const ConversationListSchema = z.object({
  appId: z.string(),
  viewer: IdSchema,
  query: ConversationListQuerySchema,
});
export type ConversationListRequest = z.output<typeof ConversationListSchema>;

/** rpc.messaging.conversation.get / delete: one conversation of `viewer`. */
export const ConversationRefSchema = z.object({
  appId: z.string(),
  viewer: IdSchema,
  with: ConversationTargetSchema,
});
export type ConversationRef = z.output<typeof ConversationRefSchema>;

/** PUT /users/{uid}/conversation and /groups/{guid}/conversation: the viewer's tags (replaced). */
export const ConversationTagBodySchema = z.object({ tags: TagsSchema });
export const ConversationTagSchema = ConversationRefSchema.extend({ tags: TagsSchema });

/**
 * DELETE .../conversation: the conversation disappears for the viewer until a new message comes;
 * the messages up to then stay hidden from them. Deleting the messages for everyone is not offered.
 */
export const ConversationDeleteBodySchema = z
  .object({
    conversationWith: z.string().max(200).optional(),
    deleteMessagesPermanently: BoolLike.optional(),
  })
  .refine((b) => b.deleteMessagesPermanently !== true, {
    message: 'is not supported: the conversation is deleted for the acting user only',
    path: ['deleteMessagesPermanently'],
  });

/**
 * The boundary of a receipt mark (reference §4.9, §6.7): a message of the conversation, as a
 * number or numeric string. Absent: the conversation's newest message.
 */
export const ReceiptBoundaryBodySchema = z.object({ messageId: MessageIdSchema.optional() });

export const RECEIPT_KINDS = ['delivered', 'read'] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

/**
 * rpc.messaging.receipt.mark: `viewer` has received (`delivered`) or read (`read`, which implies
 * delivered) the conversation up to `messageId` (absent: all of it). Positions only move forward.
 * `deviceId` is the session that marked (echoed in the `receipts` frame).
 */
export const ReceiptMarkSchema = ConversationRefSchema.extend({
  kind: z.enum(RECEIPT_KINDS),
  messageId: MessageIdSchema.optional(),
  deviceId: z.string().max(300).optional(),
});
export type ReceiptMark = z.output<typeof ReceiptMarkSchema>;

/** rpc.messaging.conversation.markUnread: the read position moves back to just before `messageId`. */
export const MarkUnreadSchema = ConversationRefSchema.extend({ messageId: MessageIdSchema });
export type MarkUnread = z.output<typeof MarkUnreadSchema>;

/** The unread (or undelivered) count of one conversation, in the client SDK's shape. */
export const UnreadCountSchema = z.object({
  entityId: z.string(),
  entityType: z.enum(['user', 'group']),
  count: z.number().int(),
});
export type UnreadCount = z.infer<typeof UnreadCountSchema>;

/**
 * rpc.messaging.conversation.unreadCounts: `GET /messages?unread=true&count=true` (every
 * conversation of the viewer with unread messages, optionally of one `receiverType`), and the same
 * on `/users/{uid}/messages` and `/groups/{guid}/messages` (that conversation only).
 * `undelivered` counts messages not yet delivered instead.
 */
export const UnreadCountsSchema = z.object({
  appId: z.string(),
  viewer: IdSchema,
  with: ConversationTargetSchema.optional(),
  receiverType: z.enum(['user', 'group']).optional(),
  undelivered: z.boolean().default(false),
});
export type UnreadCountsRequest = z.output<typeof UnreadCountsSchema>;

/** One receiver's receipt of a message: when it reached them and when they read it. */
export const MessageReceiptSchema = z.object({
  uid: z.string(),
  recipient: z.record(z.string(), z.unknown()),
  deliveredAt: z.number().int().optional(),
  readAt: z.number().int().optional(),
});
export type MessageReceipt = z.infer<typeof MessageReceiptSchema>;

/** rpc.messaging.receipt.list: who has received and read message `id` (page-based). */
export const ReceiptListSchema = z.object({
  appId: z.string(),
  viewer: IdSchema.optional(),
  id: MessageIdSchema,
  query: PageQuerySchema,
});
export type ReceiptListRequest = z.output<typeof ReceiptListSchema>;
