import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  Type,
} from '@nestjs/common';
import {
  EVENTS,
  RpcDef,
  UserErasureReport,
  UserErasureReportRequestSchema,
  UserErasureReportSchema,
} from '@parley/contracts';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { MessageBus, Subscription } from '../bus/message-bus';
import { RpcHandler } from '../bus/rpc-handler.decorator';
import { ServiceIdentity } from '../bootstrap/service-identity';
import { rootLogger } from '../logging/logger';
import type { ErasureCounts } from './app-erasure';
import { Transactor } from './outbox';
import { quoteIdent, USER_COLUMNS } from './user-export';

/**
 * The table in which a service with a schema records each permanent erasure of a user it has
 * done: the erasure's id (given by the delete) and the rows erased per table. It does not name
 * the user.
 */
export const userErasuresTableSql = (schema: string) => `CREATE TABLE "${schema}"."user_erasures" (
  "app_id" text NOT NULL,
  "erasure_id" text NOT NULL,
  "erased" jsonb NOT NULL,
  "erased_at" timestamptz NOT NULL,
  PRIMARY KEY ("app_id", "erasure_id")
)`;

/** The migration that adds `user_erasures` to `schema` (named `<Schema>UserErasures<timestamp>`). */
export function userErasuresMigration(
  schema: string,
  timestamp: number,
): new () => MigrationInterface {
  const name = `${schema[0].toUpperCase()}${schema.slice(1)}UserErasures${timestamp}`;
  return class implements MigrationInterface {
    name = name;

    async up(q: QueryRunner): Promise<void> {
      await q.query(userErasuresTableSql(schema));
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}"."user_erasures"`);
    }
  };
}

type Db = EntityManager | DataSource;

const schemaOf = (ds: DataSource) => String((ds.options as { schema?: string }).schema);

/**
 * The rows of `schema` that name user `uid` of `appId` in a user column (`uid`, `sender`,
 * `owner`, either party of a block or friendship, …), per table that has any.
 */
export async function countUserRows(
  db: Db,
  schema: string,
  appId: string,
  uid: string,
): Promise<ErasureCounts> {
  const columns = (await db.query(
    `SELECT c.table_name AS "table", c.column_name AS "column" FROM information_schema.columns c
     JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  )) as Array<{ table: string; column: string }>;
  const byTable = new Map<string, string[]>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c.column]);
  const counts: ErasureCounts = {};
  for (const [table, cols] of byTable) {
    const named = cols.filter((c) => USER_COLUMNS.includes(c));
    if (!cols.includes('app_id') || !named.length) continue;
    const [{ n }] = (await db.query(
      `SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)}
       WHERE "app_id" = $1 AND (${named.map((c) => `${quoteIdent(c)} = $2`).join(' OR ')})`,
      [appId, uid],
    )) as Array<{ n: number }>;
    if (n > 0) counts[table] = n;
  }
  return counts;
}

/** What `before` held that `after` no longer holds, per table. */
export function erasedBetween(before: ErasureCounts, after: ErasureCounts): ErasureCounts {
  const erased: ErasureCounts = {};
  for (const [table, n] of Object.entries(before)) {
    const gone = n - (after[table] ?? 0);
    if (gone > 0) erased[table] = gone;
  }
  return erased;
}

/**
 * Runs `erase` for erasure `erasureId` once: the record is claimed first, so a second run of the
 * same erasure (an event delivered twice, even at once) waits for the first and then does
 * nothing. Returns what was erased, or undefined when it had been done already.
 */
export async function eraseUserOnce(
  tx: EntityManager,
  schema: string,
  appId: string,
  erasureId: string,
  erase: () => Promise<ErasureCounts>,
): Promise<ErasureCounts | undefined> {
  const claimed = (await tx.query(
    `INSERT INTO ${quoteIdent(schema)}."user_erasures" ("app_id", "erasure_id", "erased", "erased_at")
     VALUES ($1, $2, '{}', now()) ON CONFLICT DO NOTHING RETURNING 1`,
    [appId, erasureId],
  )) as unknown[];
  if (!claimed.length) return undefined;
  const erased = await erase();
  await tx.query(
    `UPDATE ${quoteIdent(schema)}."user_erasures" SET "erased" = $3, "erased_at" = now()
     WHERE "app_id" = $1 AND "erasure_id" = $2`,
    [appId, erasureId, JSON.stringify(erased)],
  );
  return erased;
}

/**
 * What a service erases of a permanently deleted user, in `tx`; returns rows erased per table.
 * `before` is the end of the second the user was deleted in, and `position` the delete's sequence
 * in EVT_USERS (a read model fed by that stream versions its rows with it): the uid is free again
 * after a permanent delete, so what a new user of that uid made since (an erasure applied late,
 * or replayed by a new consumer) is not the erased user's, and an eraser that can tell leaves it.
 */
export abstract class UserDataEraser {
  abstract erase(
    tx: EntityManager,
    appId: string,
    uid: string,
    before?: Date,
    position?: number,
  ): Promise<ErasureCounts>;
}

/**
 * Erases users that the users service deletes permanently (`evt.users.<appId>.user.deleted` with
 * `permanent`) through the service's `UserDataEraser`, on a durable consumer of its own
 * (`<service>-user-erasure`), so a service that was down erases when it comes back. A failed
 * erasure is redelivered; an erasure with an id is done once and recorded under it.
 */
@Injectable()
export class UserErasureConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;
  private readonly log = rootLogger().child({ component: 'user-erasure' });

  constructor(
    private readonly bus: MessageBus,
    private readonly service: ServiceIdentity,
    private readonly ds: DataSource,
    private readonly tx: Transactor,
    private readonly eraser: UserDataEraser,
  ) {}

  async onApplicationBootstrap() {
    const deleted = EVENTS.users.userDeleted;
    this.sub = await this.bus.consumeDurable(
      {
        stream: 'EVT_USERS',
        durable: `${this.service.name}-user-erasure`,
        filterSubjects: [deleted.allApps],
      },
      async (_subject, data, { streamSeq }) => {
        const { appId, uid, permanent, erasureId, occurredAt } = deleted.schema.parse(data);
        if (!permanent) return;
        await this.erase(appId, uid, erasureId, new Date((occurredAt + 1) * 1000), streamSeq);
      },
    );
  }

  /** Erases what this service holds of `uid`; returns what it erased (undefined: done before). */
  async erase(
    appId: string,
    uid: string,
    erasureId?: string,
    before?: Date,
    position?: number,
  ): Promise<ErasureCounts | undefined> {
    const erased = await this.tx.run((tx) =>
      erasureId
        ? eraseUserOnce(tx, schemaOf(this.ds), appId, erasureId, () =>
            this.eraser.erase(tx, appId, uid, before, position),
          )
        : this.eraser.erase(tx, appId, uid, before, position),
    );
    if (erased) this.log.info({ appId, uid, erasureId, erased }, 'user erased');
    return erased;
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}

/**
 * A service's report on one permanent erasure of a user: whether and when it erased, what, and the
 * rows of its schema that still name the user.
 */
export async function userErasureReport(
  ds: DataSource,
  appId: string,
  uid: string,
  erasureId: string,
): Promise<UserErasureReport> {
  const schema = schemaOf(ds);
  const [record] = (await ds.query(
    `SELECT "erased", extract(epoch FROM "erased_at")::bigint AS "erasedAt"
     FROM ${quoteIdent(schema)}."user_erasures" WHERE "app_id" = $1 AND "erasure_id" = $2`,
    [appId, erasureId],
  )) as Array<{ erased: ErasureCounts; erasedAt: string }>;
  const remaining = await countUserRows(ds, schema, appId, uid);
  return record
    ? { status: 'erased', erasedAt: Number(record.erasedAt), erased: record.erased, remaining }
    : { status: 'pending', erased: {}, remaining };
}

/** The handler of a service's `rpc.<service>.user.erasure` (`def`): `userErasureReport`. */
export function userErasureReportHandler(
  def: RpcDef<typeof UserErasureReportRequestSchema, typeof UserErasureReportSchema>,
): Type<unknown> {
  @Injectable()
  class UserErasureReportHandler {
    constructor(@Inject(DataSource) private readonly ds: DataSource) {}

    @RpcHandler(def)
    report(p: { appId: string; uid: string; erasureId: string }): Promise<UserErasureReport> {
      return userErasureReport(this.ds, p.appId, p.uid, p.erasureId);
    }
  }
  return UserErasureReportHandler;
}
