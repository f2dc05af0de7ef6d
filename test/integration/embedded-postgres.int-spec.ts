import { INestApplicationContext } from '@nestjs/common';
import { openServiceDatabase, OutboxRow, ServiceDatabaseOptions } from '@parley/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { MessageListSchema } from '@parley/contracts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { GROUPS_DATABASE } from '../../apps/groups/src/app.module';
import { GroupRepository } from '../../apps/groups/src/groups/group.repository';
import { IDENTITY_DATABASE, identityModule } from '../../apps/identity/src/app.module';
import { AppService } from '../../apps/identity/src/apps/app.service';
import { MESSAGING_DATABASE, messagingModule } from '../../apps/messaging/src/app.module';
import { DirectoryRepository } from '../../apps/messaging/src/directory/directory.repository';
import { MessageViews } from '../../apps/messaging/src/messages/message-views';
import { MessageService } from '../../apps/messaging/src/messages/message.service';
import { profile, textTo } from '../../apps/messaging/src/testing/message.factory';
import { USERS_DATABASE, usersModule } from '../../apps/users/src/app.module';
import { UserService } from '../../apps/users/src/users/user.service';
import { WEBHOOKS_DATABASE } from '../../apps/webhooks/src/app.module';
import { DeliveryRepository } from '../../apps/webhooks/src/deliveries/delivery.repository';
import { PrivateNats, privateDir } from '../e2e/support/private-servers';
import {
  EmbeddedPostgresProcess,
  startEmbeddedPostgresProcess,
} from './support/embedded-postgres-process';

/**
 * The embedded mode's database: PGlite served over the wire protocol (startEmbeddedPostgres, in a
 * process of its own here). Every service's migrations and a slice of its behaviour run on it
 * unchanged, with one connection per service as the embedded platform gives it; data outlives a
 * restart and a crash; one process owns a data folder at a time.
 */
jest.setTimeout(180_000);

const SERVICES: ServiceDatabaseOptions[] = [
  IDENTITY_DATABASE,
  USERS_DATABASE,
  GROUPS_DATABASE,
  MESSAGING_DATABASE,
  WEBHOOKS_DATABASE,
];

/**
 * Runs `work` with the services' database settings pointing at `url` and their broker at `natsUrl`,
 * restoring them after. The broker is a private one: services on the shared NATS would join the
 * queue groups of the platform other test files use and answer its requests from this database.
 */
async function withServiceEnv<T>(url: string, natsUrl: string, work: () => Promise<T>): Promise<T> {
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    DB_POOL_SIZE: process.env.DB_POOL_SIZE,
    NATS_URL: process.env.NATS_URL,
  };
  Object.assign(process.env, { DATABASE_URL: url, DB_POOL_SIZE: '1', NATS_URL: natsUrl });
  try {
    return await work();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const openService = (url: string, db: ServiceDatabaseOptions) =>
  openServiceDatabase(
    url,
    { ...db, poolSize: 1, entities: [...(db.entities as []), OutboxRow] },
    true,
  );

// One data folder for the file: its first database is made by initdb, the others are copies.
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-pglite-'));
});

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('every service on one embedded PostgreSQL', () => {
  let pg: EmbeddedPostgresProcess;
  let nats: PrivateNats;
  let natsDir: { dir: string; remove: () => void };
  let contexts: INestApplicationContext[] = [];
  let sources: DataSource[] = [];

  beforeAll(async () => {
    pg = await startEmbeddedPostgresProcess(dataDir, 'platform');
    // All schemas migrate at once, each under its advisory lock, over connections that PGlite
    // serves one exchange at a time.
    sources = await Promise.all(SERVICES.map((db) => openService(pg.url, db)));
    natsDir = privateDir('parley-pglite-nats-');
    nats = await PrivateNats.start(natsDir.dir);
    contexts = await withServiceEnv(pg.url, nats.url, () =>
      Promise.all([
        startServiceContext(identityModule({ http: false })),
        startServiceContext(usersModule({ http: false })),
        startServiceContext(messagingModule({ http: false, consumers: false })),
      ]),
    );
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await Promise.all(sources.map((ds) => ds.destroy()));
    await pg?.stop();
    await nats?.stop();
    natsDir?.remove();
  });

  const source = (schema: string) => sources[SERVICES.findIndex((db) => db.schema === schema)];
  const context = (i: number) => contexts[i];

  it("applies every service's migrations, once", async () => {
    for (const db of SERVICES) {
      const ds = source(db.schema);
      expect(await ds.showMigrations()).toBe(false);
      const [{ count }] = await ds.query(
        `SELECT count(*)::int AS count FROM "${db.schema}"."migrations"`,
      );
      expect(count).toBe((db.migrations as unknown[]).length);
    }
  });

  it('creates an app with its keys (identity)', async () => {
    const appId = uniqueAppId('pglite');
    const created = await context(0).get(AppService).create({ name: 'Embedded', appId });
    expect(created.apiKeys.map((k) => k.scope).sort()).toEqual(['authOnly', 'fullAccess']);
    await expect(context(0).get(AppService).get(appId)).resolves.toMatchObject({ appId });
  });

  it('creates a user and refuses the same uid twice (users)', async () => {
    const appId = uniqueAppId('pglite');
    const users = context(1).get(UserService);
    await expect(
      users.create({ appId, uid: 'ann', name: 'Ann', tags: ['t'] }),
    ).resolves.toMatchObject({
      uid: 'ann',
      tags: ['t'],
    });
    await expect(users.create({ appId, uid: 'ann', name: 'Ann' })).rejects.toMatchObject({
      code: 'ERR_UID_ALREADY_EXISTS',
    });
  });

  it('lists groups by tag from the GIN index (groups)', async () => {
    const appId = uniqueAppId('pglite');
    const ds = source('groups');
    const groups = new GroupRepository(ds);
    const now = new Date();
    for (const [guid, tags] of [
      ['g1', ['red']],
      ['g2', ['blue']],
    ] as const) {
      await ds.transaction((tx) =>
        groups.insert(tx, {
          appId,
          guid,
          name: guid,
          type: 'public',
          passwordHash: null,
          owner: 'ann',
          icon: null,
          description: null,
          metadata: null,
          tags: [...tags],
          membersCount: 0,
          createdAt: now,
          updatedAt: now,
          updatedBy: null,
        }),
      );
    }
    const [rows, total] = await groups.list(
      appId,
      { searchIn: ['name'], tags: ['red'], order: { by: 'guid', dir: 'ASC' } },
      { page: 1, perPage: 10 },
    );
    expect(rows.map((g) => g.guid)).toEqual(['g1']);
    expect(total).toBe(1);
  });

  it('lists the messages sent, in order, with full-text search (messaging)', async () => {
    const appId = uniqueAppId('pglite');
    const messaging = context(2);
    const directory = messaging.get(DirectoryRepository);
    await directory.learnUsers(appId, [profile('alice'), profile('bob')]);
    await directory.applyRole(appId, 'default', 'all', 1);
    const send = (text: string, quotedMessageId?: string) =>
      messaging
        .get(MessageService)
        .send({ appId, sender: 'alice', message: textTo('bob', { text, quotedMessageId }) });
    const sent = [await send('one'), await send('two apples')];
    // Rendered inside the send's transaction: the quoted message and its sender are read there.
    sent.push(await send('three', sent[0].id));
    expect(sent[2].quotedMessage).toMatchObject({ id: sent[0].id, sender: 'alice' });
    const list = (query: Record<string, string>) =>
      messaging.get(MessageViews).list(
        MessageListSchema.parse({
          appId,
          viewer: 'bob',
          scope: { kind: 'user', uid: 'alice' },
          query,
        }),
      );
    expect((await list({})).items.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect((await list({ searchKey: 'apples' })).items.map((m) => m.id)).toEqual([sent[1].id]);
  });

  it('claims a due webhook delivery once (webhooks, FOR UPDATE SKIP LOCKED)', async () => {
    const appId = uniqueAppId('pglite');
    const ds = source('webhooks');
    await ds.query(
      `INSERT INTO "webhooks"."endpoints"
         ("app_id", "id", "name", "url", "triggers", "signing_secret", "created_at", "updated_at")
       VALUES ($1, 'hook', 'Receiver', 'http://127.0.0.1:9/', '{user_created}', 'whsec_x', now(), now())`,
      [appId],
    );
    const deliveries = new DeliveryRepository(ds);
    await deliveries.insertForEvent(appId, 'event-1', 'user_created', [
      { endpointId: 'hook', body: '{}' },
    ]);
    const claim = () =>
      deliveries.claim({ appId, limit: 10, endpoints: 10, perEndpoint: 1, leaseMs: 60_000 });
    const [first, second] = await Promise.all([claim(), claim()]);
    expect([...first, ...second]).toHaveLength(1);
  });
});

describe('an embedded database across restarts', () => {
  const running: EmbeddedPostgresProcess[] = [];

  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  async function start(name: string) {
    const pg = await startEmbeddedPostgresProcess(dataDir, name);
    running.push(pg);
    return pg;
  }

  async function sql(pg: EmbeddedPostgresProcess, text: string) {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  }

  it('keeps what was committed through a clean stop and through a crash', async () => {
    const first = await start('kept');
    await sql(first, `CREATE TABLE "notes" ("text" text); INSERT INTO "notes" VALUES ('stopped')`);
    await first.stop();

    const second = await start('kept');
    await sql(second, `INSERT INTO "notes" VALUES ('crashed')`);
    // Killed: no checkpoint, and its lock file stays behind naming a process that is gone.
    await second.kill();
    await expect(readFile(join(dataDir, 'kept.pid'), 'utf8')).resolves.toBe(`${second.pid}\n`);

    const third = await start('kept');
    expect(await sql(third, `SELECT "text" FROM "notes" ORDER BY "text"`)).toEqual([
      { text: 'crashed' },
      { text: 'stopped' },
    ]);
  });

  it('refuses a data folder that a running process holds', async () => {
    const holder = await start('held');
    await expect(start('held')).rejects.toThrow(`in use by process ${holder.pid}`);
    expect(await sql(holder, 'SELECT 1 AS "one"')).toEqual([{ one: 1 }]);
  });
});
