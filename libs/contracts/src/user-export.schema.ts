import { z } from 'zod';

/** Where a page of a service's export starts: a table (by name) and the rows of it already given. */
export const UserExportPositionSchema = z.object({
  table: z.string(),
  offset: z.number().int().min(0),
});
export type UserExportPosition = z.infer<typeof UserExportPositionSchema>;

/** Rows in one page of an export; an RPC reply must stay well under the broker's payload limit. */
export const USER_EXPORT_ROW_LIMIT = 1000;

/**
 * Whose data to export, one user of one app; a page of at most `limit` rows (default and most
 * USER_EXPORT_ROW_LIMIT) from position `after` on (absent: from the start).
 */
export const UserExportRequestSchema = z.object({
  appId: z.string(),
  uid: z.string(),
  after: UserExportPositionSchema.optional(),
  limit: z.number().int().min(1).max(USER_EXPORT_ROW_LIMIT).optional(),
});
export type UserExportRequest = z.infer<typeof UserExportRequestSchema>;

/**
 * A page of what one service holds about a user: per table of its schema (in name order), the
 * rows that concern the user in key order (columns as stored, secrets such as token hashes left
 * out); `next`, when the page is full, is where the next page starts.
 */
export const UserExportSectionSchema = z.object({
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  next: UserExportPositionSchema.optional(),
});
export type UserExportSection = z.infer<typeof UserExportSectionSchema>;

/** Which permanent erasure of a user to report on (`erasureId`, given by the delete). */
export const UserErasureReportRequestSchema = z.object({
  appId: z.string(),
  uid: z.string(),
  erasureId: z.string(),
});

/**
 * One service's part of a user's permanent erasure: `pending` until the service has erased;
 * then when (`erasedAt`, Unix seconds) and the rows it erased per table (deleted, or emptied of
 * the user's content where the row keeps a place, such as a message's seq). `remaining`: rows
 * of its schema that still name the user (as owner, sender, party or member), per table, now.
 */
export const UserErasureReportSchema = z.object({
  status: z.enum(['erased', 'pending']),
  erasedAt: z.number().optional(),
  erased: z.record(z.string(), z.number()),
  remaining: z.record(z.string(), z.number()),
});
export type UserErasureReport = z.infer<typeof UserErasureReportSchema>;
