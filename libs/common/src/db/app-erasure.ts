import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { EVENTS } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { MessageBus, Subscription } from '../bus/message-bus';
import { ServiceIdentity } from '../bootstrap/service-identity';
import { rootLogger } from '../logging/logger';
import { quoteIdent } from './user-export';

/** Rows (or keys) erased, by table (or kind of key). */
export type ErasureCounts = Record<string, number>;

/**
 * Deletes every row of `appId` from each table of `schema` that has an `app_id` column, so a table
 * added later is covered without naming it. Tables that reference others go first, so each count
 * is what that table held (a cascade would otherwise empty it unseen). Returns the rows deleted per
 * table that held any.
 */
export async function eraseAppRows(
  tx: EntityManager,
  schema: string,
  appId: string,
): Promise<ErasureCounts> {
  const tables = (
    (await tx.query(
      `SELECT c.table_name AS name FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = $1 AND c.column_name = 'app_id' AND t.table_type = 'BASE TABLE'`,
      [schema],
    )) as Array<{ name: string }>
  ).map((r) => r.name);
  const references = (await tx.query(
    `SELECT src.relname AS "from", dst.relname AS "to" FROM pg_constraint k
     JOIN pg_class src ON src.oid = k.conrelid
     JOIN pg_class dst ON dst.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = src.relnamespace
     WHERE k.contype = 'f' AND n.nspname = $1 AND src.oid <> dst.oid`,
    [schema],
  )) as Array<{ from: string; to: string }>;
  const counts: ErasureCounts = {};
  for (const table of referencingFirst(tables, references)) {
    const [, deleted] = (await tx.query(
      `DELETE FROM ${quoteIdent(schema)}.${quoteIdent(table)} WHERE "app_id" = $1`,
      [appId],
    )) as [unknown, number];
    if (deleted > 0) counts[`${schema}.${table}`] = deleted;
  }
  return counts;
}

/** `tables` ordered so that a table comes before every table it references. */
export function referencingFirst(
  tables: string[],
  references: Array<{ from: string; to: string }>,
): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visit = (table: string, path: Set<string>) => {
    if (placed.has(table) || path.has(table)) return;
    path.add(table);
    // Everything that references this table goes before it.
    for (const r of references) if (r.to === table && tables.includes(r.from)) visit(r.from, path);
    path.delete(table);
    placed.add(table);
    ordered.push(table);
  };
  for (const table of [...tables].sort()) visit(table, new Set());
  return ordered;
}

/** Erases what a service keeps outside its schema (Redis keys, …) when an app is deleted. */
export abstract class AppStoreErasure {
  abstract erase(appId: string): Promise<ErasureCounts>;
}

/**
 * Every service erases its own data of a deleted app (`evt.identity.<appId>.app.deleted`), through
 * a durable consumer of its own (`<service>-app-erasure`), so a service that was down erases when
 * it comes back: every row of the app in its schema, and what its `AppStoreErasure` holds. A
 * failed erasure is redelivered; erasing again deletes nothing more.
 */
@Injectable()
export class AppErasureConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;
  private readonly log = rootLogger().child({ component: 'app-erasure' });

  constructor(
    private readonly bus: MessageBus,
    private readonly service: ServiceIdentity,
    @Optional() @Inject(DataSource) private readonly ds: DataSource | null,
    @Optional() private readonly store?: AppStoreErasure,
  ) {}

  async onApplicationBootstrap() {
    if (!this.ds && !this.store) return;
    const deleted = EVENTS.identity.appDeleted;
    this.sub = await this.bus.consumeDurable(
      {
        stream: 'EVT_IDENTITY',
        durable: `${this.service.name}-app-erasure`,
        filterSubjects: [deleted.allApps],
      },
      async (_subject, data) => {
        const { appId } = deleted.schema.parse(data);
        this.log.info({ appId, erased: await this.erase(appId) }, 'app erased');
      },
    );
  }

  /** Erases the app's data held by this service; returns what it deleted. */
  async erase(appId: string): Promise<ErasureCounts> {
    const ds = this.ds;
    const schema = ds && (ds.options as { schema?: string }).schema;
    const rows = ds && schema ? await ds.transaction((tx) => eraseAppRows(tx, schema, appId)) : {};
    return { ...rows, ...(await this.store?.erase(appId)) };
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}
