import { z } from 'zod';
import { BoolLike, CsvArray, IdSchema, TagsSchema } from '../common.schema';

/** The sender of what the app itself sends (a REST key without onBehalfOf), reference §2.4. */
export const APP_SYSTEM_UID = 'app_system';

export const RECEIVER_TYPES = ['user', 'group'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** Categories a client may send; `action` and `call` messages are made by Parley itself. */
export const CLIENT_MESSAGE_CATEGORIES = ['message', 'custom', 'interactive'] as const;
export const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'file'] as const;
export const INTERACTIVE_MESSAGE_TYPES = [
  'form',
  'card',
  'scheduler',
  'customInteractive',
] as const;

/** Message `data` is at most 10 KB of JSON, the whole message 65,536 characters (reference §6.1). */
export const MAX_MESSAGE_DATA_BYTES = 10 * 1024;
export const MAX_MESSAGE_JSON_CHARS = 65_536;

/** A message id: a positive integer, as a JSON string or number on input, a numeric string on output. */
export const MessageIdSchema = z
  .union([z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a message id'), z.number().int().min(1)])
  .transform((v) => String(v));

/**
 * A message as the REST API returns it and as the `message` real-time frame carries it (reference
 * §5.4, realtime protocol §4.2): ids as numeric strings, Unix seconds, `data.entities` with the
 * sender and the receiver, plus Parley's gap-free `seq` within the conversation.
 */
export const MessageSchema = z.object({
  id: z.string(),
  muid: z.string().optional(),
  conversationId: z.string(),
  sender: z.string(),
  receiver: z.string(),
  receiverType: z.enum(RECEIVER_TYPES),
  category: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  sentAt: z.number().int(),
  updatedAt: z.number().int(),
  seq: z.number().int(),
  parentId: z.string().optional(),
  replyCount: z.number().int().optional(),
  tags: z.array(z.string()).optional(),
  /** The users `<@uid:...>` in its text names (also in `data.mentions`, keyed by uid). */
  mentionedUsers: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Whether the viewer is among them (absent where there is no single viewer: frames, events). */
  mentionedMe: z.boolean().optional(),
  /**
   * Receipts (Unix seconds): of a 1:1 message, when its receiver received and read it; of a group
   * message, when the whole group had (then `deliveredToAll`/`readByAll` are true).
   */
  deliveredAt: z.number().int().optional(),
  readAt: z.number().int().optional(),
  deliveredToAll: z.boolean().optional(),
  readByAll: z.boolean().optional(),
  /** On one message read by its sender: each receiver's receipt (the first 100). */
  receipts: z.object({ data: z.array(z.record(z.string(), z.unknown())) }).optional(),
  /** The viewer's own receipt of a message sent to them (or to their group). */
  deliveredToMeAt: z.number().int().optional(),
  readByMeAt: z.number().int().optional(),
  /** Set by an edit (reference §5.4); `editedBy` is `app_system` when the app edited. */
  editedAt: z.number().int().optional(),
  editedBy: z.string().optional(),
  /** Set by a delete; a permanently deleted message keeps only its place (id, seq) and these. */
  deletedAt: z.number().int().optional(),
  deletedBy: z.string().optional(),
  /** A quoted reply: the id of the message it quotes (same conversation) and that message. */
  quotedMessageId: z.string().optional(),
  quotedMessage: z.record(z.string(), z.unknown()).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/** Serialised SDK objects carry `null` for unset fields: the same as leaving them out. */
const nullAsAbsent = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((v) => (v === null ? undefined : v) as z.output<T> | undefined)
    .optional();

/** A message id that may be left out; 0, "0" and null mean "none" too. */
const OptionalMessageId = z
  .union([MessageIdSchema, z.literal(0), z.literal('0'), z.null()])
  .transform((v) => (v === 0 || v === '0' || v === null ? undefined : v))
  .optional();

/** Receivers of one send to many (reference §4.8); each gets its own message. */
export const MAX_MULTIPLE_RECEIVERS = 25;
export const MultipleReceiversSchema = z
  .object({
    uids: z.array(IdSchema).optional(),
    guids: z.array(IdSchema).optional(),
  })
  .refine((r) => (r.uids?.length ?? 0) + (r.guids?.length ?? 0) >= 1, {
    message: 'must name at least one uid or guid',
  })
  .refine((r) => (r.uids?.length ?? 0) + (r.guids?.length ?? 0) <= MAX_MULTIPLE_RECEIVERS, {
    message: `at most ${MAX_MULTIPLE_RECEIVERS} receivers in all`,
  });
export type MultipleReceivers = z.output<typeof MultipleReceiversSchema>;

/**
 * POST /messages (reference §4.8, §5.4). Only the shape is checked here: the content rules and
 * their specific codes (ERR_EMPTY_MESSAGE_TEXT, ERR_INVALID_MESSAGE_CATEGORY, ...) are the
 * messaging service's, so a bad message gets the same code whichever way it comes in. The client
 * SDK also sends `text` and `metadata` beside `data` (they move into it) and echoes fields of its
 * own message object, which are dropped.
 */
export const MessageSendBodySchema = z.object({
  receiver: z.string().max(200).optional(),
  receiverType: z.string().max(20).optional(),
  category: z.string().max(100).optional(),
  type: z.string().max(100).optional(),
  data: nullAsAbsent(z.record(z.string(), z.unknown())),
  text: nullAsAbsent(z.string()),
  metadata: z.unknown().optional(),
  tags: nullAsAbsent(TagsSchema),
  muid: nullAsAbsent(z.string().min(1).max(255)),
  // The SDK leaves it out when unset; 0 and null mean "no parent" too.
  parentId: OptionalMessageId,
  /** The message this one quotes (the SDK's `quotedMessageId`), of the same conversation. */
  quotedMessageId: OptionalMessageId,
  multipleReceivers: nullAsAbsent(MultipleReceiversSchema),
});
export type MessageSendBody = z.output<typeof MessageSendBodySchema>;

/**
 * rpc.messaging.message.send: `sender` is the user sending (a user's token or onBehalfOf), absent
 * when the app sends (`app_system`); `deviceId` is the sending session (the REST call's `resource`
 * header), echoed in the real-time frame so that session can drop its own copy.
 */
export const MessageSendSchema = z.object({
  appId: z.string(),
  sender: IdSchema.optional(),
  deviceId: z.string().max(255).optional(),
  message: MessageSendBodySchema,
});
export type MessageSend = z.output<typeof MessageSendSchema>;

/** One receiver's outcome in a send to many: its message, or why it got none (reference §2.1). */
export const MessageSendItemResultSchema = z.union([
  z.object({ success: z.literal(true), data: MessageSchema }),
  z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type MessageSendItemResult = z.infer<typeof MessageSendItemResultSchema>;

/**
 * The reply to a send with `multipleReceivers`: per receiver, keyed by the (lower-cased) uid or
 * guid under the list that named it, as the reference's bulk replies are (e.g. group members'
 * `data.<array>.<uid>`). A receiver that fails does not fail the others.
 */
export const MessageSendManyResultSchema = z.object({
  uids: z.record(z.string(), MessageSendItemResultSchema),
  guids: z.record(z.string(), MessageSendItemResultSchema),
});
export type MessageSendManyResult = z.infer<typeof MessageSendManyResultSchema>;

/** rpc.messaging.message.get: `viewer` absent means the app itself (it sees every message). */
export const MessageGetSchema = z.object({
  appId: z.string(),
  viewer: IdSchema.optional(),
  id: MessageIdSchema,
});

const csvOf = <T extends z.ZodType<unknown, string>>(item: T, max: number) =>
  CsvArray.pipe(z.array(item).max(max));
const UnixSeconds = z.coerce.number().int().min(0).max(9_999_999_999);
const Seq = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/**
 * Filters of the message lists that exist so far, but not yet built: given, they are refused
 * (ERR_BAD_REQUEST), never silently ignored, so a client never mistakes an unfiltered page for a
 * filtered one.
 */
export const MESSAGE_FILTERS_NOT_YET = [] as const;

/** `attachmentTypes`: media messages of these types (reference §4.8). */
export const ATTACHMENT_TYPES = ['image', 'video', 'audio', 'file'] as const;

/** A searchKey is matched word by word, each a prefix; at most this many characters. */
export const MAX_SEARCH_KEY_CHARS = 200;

/**
 * The message lists' query (reference §2.2b, §4.8; API.md §2-3). A page holds `limit` messages
 * (default 100, at most 1000; the SDK's `per_page` arrives as `perPage`, an alias). `affix`
 * `prepend` (the default) pages back from the newest or from the cursor, `append` forward from
 * the oldest or from the cursor. The cursor is `id` (exclusive) or, without it, `sentAt`
 * (inclusive: a message sent in that second may come twice, none is missed). `fromSeq`/`toSeq`
 * (inclusive) select a range of a conversation's `seq`. `toTimestamp` counts only with
 * `fromTimestamp`, as in the reference. `hideDeleted` leaves deleted messages out, `onlyDeleted`
 * keeps only them; Parley's `updatedSince` (Unix seconds, inclusive) keeps the messages sent,
 * edited or deleted since then, for a client catching up on changes.
 */
const notYet = Object.fromEntries(
  MESSAGE_FILTERS_NOT_YET.map((f) => [
    f,
    z
      .unknown()
      .optional()
      .refine((v) => v === undefined, 'is not supported yet'),
  ]),
) as unknown as Record<(typeof MESSAGE_FILTERS_NOT_YET)[number], z.ZodOptional<z.ZodUnknown>>;

export const MessageListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    perPage: z.coerce.number().int().min(1).max(1000).optional(),
    affix: z.enum(['append', 'prepend']).default('prepend'),
    id: MessageIdSchema.optional(),
    sentAt: UnixSeconds.optional(),
    fromSeq: Seq.optional(),
    toSeq: Seq.optional(),
    category: z.string().max(100).optional(),
    categories: csvOf(z.string().max(100), 10).optional(),
    type: z.string().max(100).optional(),
    types: csvOf(z.string().max(100), 50).optional(),
    tags: csvOf(z.string().max(100), 25).optional(),
    parentId: MessageIdSchema.optional(),
    hideReplies: BoolLike.optional(),
    fromTimestamp: UnixSeconds.optional(),
    toTimestamp: UnixSeconds.optional(),
    hideDeleted: BoolLike.optional(),
    onlyDeleted: BoolLike.optional(),
    updatedSince: UnixSeconds.optional(),
    // Accepted: a message always carries its tags.
    withTags: BoolLike.optional(),
    searchKey: z.string().trim().max(MAX_SEARCH_KEY_CHARS).optional(),
    hasAttachments: BoolLike.optional(),
    attachmentTypes: csvOf(z.enum(ATTACHMENT_TYPES), 4).optional(),
    hasLinks: BoolLike.optional(),
    hasReactions: BoolLike.optional(),
    hasMentions: BoolLike.optional(),
    mentionedUids: csvOf(IdSchema, 25).optional(),
    myMentionsOnly: BoolLike.optional(),
    // The client SDK's setInteractionGoalCompletedOnly: interactive messages whose goal the viewer met.
    onlyInteractionGoalCompleted: BoolLike.optional(),
    // The viewer's messages from others after their read (delivered) position. With `count`, the
    // reply is the unread (undelivered) count per conversation instead of messages.
    unread: BoolLike.optional(),
    undelivered: BoolLike.optional(),
    count: BoolLike.optional(),
    receiverType: z.enum(RECEIVER_TYPES).optional(),
    ...notYet,
  })
  .transform((q) => ({
    limit: q.limit ?? q.perPage ?? 100,
    affix: q.affix,
    id: q.id,
    sentAt: q.sentAt,
    fromSeq: q.fromSeq,
    toSeq: q.toSeq,
    categories: [...(q.category ? [q.category] : []), ...(q.categories ?? [])],
    types: [...(q.type ? [q.type] : []), ...(q.types ?? [])],
    tags: q.tags ?? [],
    parentId: q.parentId,
    hideReplies: q.hideReplies ?? false,
    fromTimestamp: q.fromTimestamp,
    toTimestamp: q.fromTimestamp === undefined ? undefined : q.toTimestamp,
    // An empty searchKey filters nothing, as the SDK sends one when the search box is empty.
    searchKey: q.searchKey || undefined,
    hasAttachments: q.hasAttachments ?? false,
    attachmentTypes: q.attachmentTypes ?? [],
    hasLinks: q.hasLinks ?? false,
    hasReactions: q.hasReactions ?? false,
    hasMentions: q.hasMentions ?? false,
    mentionedUids: q.mentionedUids ?? [],
    myMentionsOnly: q.myMentionsOnly ?? false,
    onlyInteractionGoalCompleted: q.onlyInteractionGoalCompleted ?? false,
    unread: q.unread ?? false,
    undelivered: q.undelivered ?? false,
    count: q.count ?? false,
    receiverType: q.receiverType,
    hideDeleted: q.hideDeleted ?? false,
    onlyDeleted: q.onlyDeleted ?? false,
    updatedSince: q.updatedSince,
  }));
export type MessageListQuery = z.output<typeof MessageListQuerySchema>;

/** Which messages a list is over: the app's (or the viewer's), one 1:1 conversation, or a group's. */
export const MessageListScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('user'), uid: IdSchema }),
  z.object({ kind: z.literal('group'), guid: IdSchema }),
]);
export type MessageListScope = z.output<typeof MessageListScopeSchema>;

/** rpc.messaging.message.list. `viewer` absent means the app itself. */
export const MessageListSchema = z.object({
  appId: z.string(),
  viewer: IdSchema.optional(),
  scope: MessageListScopeSchema,
  query: MessageListQuerySchema,
});
export type MessageListRequest = z.output<typeof MessageListSchema>;

/**
 * rpc.messaging.thread.list: the replies to message `parentId`, paged with the message lists'
 * query, for whoever may see the parent. `viewer` absent means the app itself.
 */
export const ThreadListSchema = z.object({
  appId: z.string(),
  viewer: IdSchema.optional(),
  parentId: MessageIdSchema,
  query: MessageListQuerySchema,
});
export type ThreadListRequest = z.output<typeof ThreadListSchema>;

/**
 * Where the next page starts (`meta.next`, also as `meta.cursor`, which the client SDK reads): the
 * page's last message in the direction read. An empty page repeats the cursor it was asked with.
 */
export const MessageCursorSchema = z.object({
  affix: z.enum(['append', 'prepend']),
  id: z.string().optional(),
  sentAt: z.number().int().optional(),
});
export type MessageCursor = z.infer<typeof MessageCursorSchema>;

/** A page of messages, oldest first, with reference §2.2b's `meta`. */
export const MessagePageSchema = z.object({
  items: z.array(MessageSchema),
  meta: z.object({
    current: z.object({ limit: z.number().int(), count: z.number().int() }),
    next: MessageCursorSchema.optional(),
    cursor: MessageCursorSchema.optional(),
  }),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

/**
 * PUT /messages/{id} (reference §4.8): new `data` (`text`, `metadata`, or another client key of the
 * message's data, such as `customData`) and `tags` (replacing). The client SDK sends its whole
 * message object: its top-level `text` and `metadata` count, the rest is dropped.
 */
export const MessageEditBodySchema = z.object({
  data: nullAsAbsent(z.record(z.string(), z.unknown())),
  text: nullAsAbsent(z.string()),
  metadata: z.unknown().optional(),
  tags: nullAsAbsent(TagsSchema),
});
export type MessageEditBody = z.output<typeof MessageEditBodySchema>;

/** DELETE /messages/{id}: soft by default; `permanent` erases the content. */
export const MessageDeleteBodySchema = z.object({
  permanent: BoolLike.optional(),
});

/**
 * rpc.messaging.message.edit / .delete: `actor` is the user acting (a user's token or onBehalfOf),
 * absent when the app acts (`app_system`); `deviceId` as for a send. The reply is the `edited` or
 * `deleted` action message, whose `data.entities.on.entity` is the message after the change.
 */
export const MessageEditSchema = z.object({
  appId: z.string(),
  actor: IdSchema.optional(),
  deviceId: z.string().max(255).optional(),
  id: MessageIdSchema,
  edit: MessageEditBodySchema,
});
export type MessageEdit = z.output<typeof MessageEditSchema>;
export const MessageDeleteSchema = z.object({
  appId: z.string(),
  actor: IdSchema.optional(),
  deviceId: z.string().max(255).optional(),
  id: MessageIdSchema,
  permanent: z.boolean().default(false),
});
export type MessageDelete = z.output<typeof MessageDeleteSchema>;

/**
 * One version of a message's content (GET /messages/{id}/history, Parley's own): revision 0 is the
 * message as sent (`editedAt` = its `sentAt`, `editedBy` = its sender), each edit adds the next.
 */
export const MessageRevisionSchema = z.object({
  revision: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  editedAt: z.number().int(),
  editedBy: z.string(),
});
export type MessageRevision = z.infer<typeof MessageRevisionSchema>;
