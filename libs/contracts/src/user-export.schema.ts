import { z } from 'zod';

/** Whose data to export: one user of one app. */
export const UserExportRequestSchema = z.object({ appId: z.string(), uid: z.string() });

/**
 * What one service holds about a user: per table of its schema, the rows that concern the user
 * (columns as stored, secrets such as token hashes left out), at most `USER_EXPORT_ROW_LIMIT` per
 * table; `truncated` names the tables that held more.
 */
export const UserExportSectionSchema = z.object({
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  truncated: z.array(z.string()),
});
export type UserExportSection = z.infer<typeof UserExportSectionSchema>;

/** Rows per table in one export; an RPC reply must stay well under the broker's payload limit. */
export const USER_EXPORT_ROW_LIMIT = 1000;
