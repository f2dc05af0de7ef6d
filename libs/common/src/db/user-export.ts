import { Inject, Injectable, Type } from '@nestjs/common';
import {
  RpcDef,
  USER_EXPORT_ROW_LIMIT,
  UserExportPosition,
  UserExportRequest,
  UserExportRequestSchema,
  UserExportSection,
  UserExportSectionSchema,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { RpcHandler } from '../bus/rpc-handler.decorator';

/** Columns that name a user as the one the row is about (the owner, sender, either party). */
export const USER_COLUMNS = [
  'uid',
  'sender',
  'blocker',
  'blocked',
  'uid_a',
  'uid_b',
  'friend_uid',
  'owner',
];
/** Columns never exported: hashes of credentials, secrets. */
const SECRET_COLUMN = /hash|secret|password/;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A page of the rows of `schema` about user `uid` of `appId`: in every table with an `app_id`
 * column, those whose user columns (`uid`, `sender`, `blocker`, …) name the user, plus what
 * `extra` adds per table (an SQL condition on `$2`, the uid, OR-ed in). Secret columns are left
 * out. Tables come in name order and each table's rows in its primary key's order, at most
 * `limit` rows in all from position `after` on; `next` says where the following page starts when
 * this one is full.
 */
export async function exportUserRows(
  ds: DataSource,
  schema: string,
  appId: string,
  uid: string,
  extra: Record<string, string> = {},
  page: { after?: UserExportPosition; limit?: number } = {},
): Promise<UserExportSection> {
  const columns = (await ds.query(
    `SELECT c.table_name AS "table", c.column_name AS "column",
       coalesce(array_position(k.indkey::int2[], a.attnum), 0) AS "key"
     FROM information_schema.columns c
     JOIN pg_namespace n ON n.nspname = c.table_schema
     JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = c.table_name
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
     LEFT JOIN pg_index k ON k.indrelid = t.oid AND k.indisprimary
     WHERE c.table_schema = $1 ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  )) as Array<{ table: string; column: string; key: number }>;
  const byTable = new Map<string, Array<{ column: string; key: number }>>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const section: UserExportSection = { tables: {} };
  let left = page.limit ?? USER_EXPORT_ROW_LIMIT;
  const tables = [...byTable.keys()].sort().filter((t) => !page.after || t >= page.after.table);
  for (const table of tables) {
    const cols = (byTable.get(table) ?? []).map((c) => c.column);
    if (!cols.includes('app_id')) continue;
    const conditions = cols
      .filter((c) => USER_COLUMNS.includes(c))
      .map((c) => `${quoteIdent(c)} = $2`);
    if (extra[table]) conditions.push(`(${extra[table]})`);
    if (!conditions.length) continue;
    if (left === 0) {
      section.next = { table, offset: 0 };
      break;
    }
    const offset = table === page.after?.table ? page.after.offset : 0;
    // The primary key's columns in key order (all columns for a table without one).
    const keyed = (byTable.get(table) ?? []).filter((c) => c.key > 0);
    const order = (keyed.length ? keyed.sort((a, b) => a.key - b.key) : (byTable.get(table) ?? []))
      .map((c) => quoteIdent(c.column))
      .join(', ');
    const shown = cols.filter((c) => c !== 'app_id' && !SECRET_COLUMN.test(c));
    const rows = (await ds.query(
      `SELECT ${shown.map(quoteIdent).join(', ')} FROM ${quoteIdent(schema)}.${quoteIdent(table)}
       WHERE "app_id" = $1 AND (${conditions.join(' OR ')})
       ORDER BY ${order} LIMIT ${left + 1} OFFSET ${offset}`,
      [appId, uid],
    )) as Array<Record<string, unknown>>;
    if (rows.length > left) {
      section.tables[table] = rows.slice(0, left);
      section.next = { table, offset: offset + left };
      break;
    }
    if (rows.length) section.tables[table] = rows;
    left -= rows.length;
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
    export(p: UserExportRequest): Promise<UserExportSection> {
      const schema = String((this.ds.options as { schema?: string }).schema);
      return exportUserRows(this.ds, schema, p.appId, p.uid, extra, p);
    }
  }
  return UserExportHandler;
}
