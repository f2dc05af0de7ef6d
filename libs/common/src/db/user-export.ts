import { Inject, Injectable, Type } from '@nestjs/common';
import {
  RpcDef,
  USER_EXPORT_ROW_LIMIT,
  UserExportRequestSchema,
  UserExportSection,
  UserExportSectionSchema,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { RpcHandler } from '../bus/rpc-handler.decorator';

/** Columns that name a user as the one the row is about (the owner, sender, either party). */
const USER_COLUMNS = ['uid', 'sender', 'blocker', 'blocked', 'uid_a', 'uid_b', 'friend_uid'];
/** Columns never exported: hashes of credentials, secrets. */
const SECRET_COLUMN = /hash|secret|password/;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The rows of `schema` about user `uid` of `appId`: in every table with an `app_id` column, those
 * whose user columns (`uid`, `sender`, `blocker`, …) name the user, plus what `extra` adds per
 * table (an SQL condition on `$2`, the uid, OR-ed in). Secret columns are left out; at most
 * USER_EXPORT_ROW_LIMIT rows a table, in the table's key order.
 */
export async function exportUserRows(
  ds: DataSource,
  schema: string,
  appId: string,
  uid: string,
  extra: Record<string, string> = {},
): Promise<UserExportSection> {
  const columns = (await ds.query(
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
     WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [schema],
  )) as Array<{ table: string; column: string }>;
  const byTable = new Map<string, string[]>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c.column]);
  const section: UserExportSection = { tables: {}, truncated: [] };
  for (const [table, cols] of byTable) {
    if (!cols.includes('app_id')) continue;
    const conditions = cols
      .filter((c) => USER_COLUMNS.includes(c))
      .map((c) => `${quoteIdent(c)} = $2`);
    if (extra[table]) conditions.push(`(${extra[table]})`);
    if (!conditions.length) continue;
    const shown = cols.filter((c) => c !== 'app_id' && !SECRET_COLUMN.test(c));
    const rows = (await ds.query(
      `SELECT ${shown.map(quoteIdent).join(', ')} FROM ${quoteIdent(schema)}.${quoteIdent(table)}
       WHERE "app_id" = $1 AND (${conditions.join(' OR ')})
       ORDER BY 1 LIMIT ${USER_EXPORT_ROW_LIMIT + 1}`,
      [appId, uid],
    )) as Array<Record<string, unknown>>;
    if (!rows.length) continue;
    if (rows.length > USER_EXPORT_ROW_LIMIT) section.truncated.push(table);
    section.tables[table] = rows.slice(0, USER_EXPORT_ROW_LIMIT);
  }
  // Dates and bigints as JSON has them.
  return UserExportSectionSchema.parse(JSON.parse(JSON.stringify(section)));
}

/**
 * The handler of a service's `rpc.<service>.user.export` (`def`): the rows of the service's schema
 * about the user, with `extra` conditions per table (see `exportUserRows`).
 */
export function userExportHandler(
  def: RpcDef<typeof UserExportRequestSchema, typeof UserExportSectionSchema>,
  extra: Record<string, string> = {},
): Type<unknown> {
  @Injectable()
  class UserExportHandler {
    constructor(@Inject(DataSource) private readonly ds: DataSource) {}

    @RpcHandler(def)
    export(p: { appId: string; uid: string }): Promise<UserExportSection> {
      const schema = String((this.ds.options as { schema?: string }).schema);
      return exportUserRows(this.ds, schema, p.appId, p.uid, extra);
    }
  }
  return UserExportHandler;
}
