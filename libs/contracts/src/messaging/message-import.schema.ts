import { z } from 'zod';
import { IdSchema, TagsSchema } from '../common.schema';
import { MessageSendItemResultSchema } from './message.schema';

/** Messages per data-import call, like the other imports. */
export const MAX_MESSAGES_PER_IMPORT = 100;

/** A 10-digit Unix timestamp (seconds); CometChat's import examples send them as strings too. */
const UnixSeconds = z.coerce.number().int().min(0).max(9_999_999_999);
const Details = z.record(z.string(), z.unknown()).optional();

/**
 * One message to import (reference §4.11 data import), keyed by its `muid`: importing it again
 * returns the stored message and changes nothing. `sentAt` is kept as the message's time. The
 * `*Details` objects are accepted and not used: users and groups are imported through their own
 * imports first (a message to or from someone Parley does not know fails alone).
 */
export const MessageImportItemSchema = z.object({
  muid: z.string().trim().min(1).max(255),
  sender: IdSchema,
  receiverType: z.string().max(20),
  receiver: IdSchema,
  category: z.string().max(100).default('message'),
  type: z.string().max(100).default('text'),
  data: z.record(z.string(), z.unknown()).default({}),
  tags: TagsSchema.optional(),
  sentAt: UnixSeconds,
  deliveredAt: UnixSeconds.optional(),
  readAt: UnixSeconds.optional(),
  senderUserDetails: Details,
  receiverUserDetails: Details,
  receiverGroupDetails: Details,
  receiverGroupOwnerDetails: Details,
  mentionedUserDetails: Details,
});
export type MessageImportItem = z.output<typeof MessageImportItemSchema>;

/**
 * POST /data_import/messages: `messages` keyed by muid as the reference has it (an item's own
 * `muid` may be left out there: the key is its muid), or a list like the other Parley imports.
 */
export const MessageImportBodySchema = z
  .object({
    messages: z.union([
      z
        .record(z.string(), z.record(z.string(), z.unknown()))
        .transform((byMuid) => Object.entries(byMuid).map(([muid, item]) => ({ muid, ...item }))),
      z.array(z.record(z.string(), z.unknown())),
    ]),
  })
  .pipe(
    z.object({
      messages: z.array(MessageImportItemSchema).min(1).max(MAX_MESSAGES_PER_IMPORT),
    }),
  )
  .refine((b) => new Set(b.messages.map((m) => m.muid)).size === b.messages.length, {
    message: 'each muid may appear once',
    path: ['messages'],
  });

export const MessageImportSchema = z.object({
  appId: z.string(),
  messages: z.array(MessageImportItemSchema),
});
export type MessageImport = z.output<typeof MessageImportSchema>;

/** Per-item results keyed by muid (reference §2.1 bulk replies). */
export const MessageImportResultSchema = z.record(z.string(), MessageSendItemResultSchema);
export type MessageImportResult = z.output<typeof MessageImportResultSchema>;
