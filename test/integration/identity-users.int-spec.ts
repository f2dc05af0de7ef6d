import { INestApplicationContext } from '@nestjs/common';
import { maskSecret, NatsMessageBus, sha256 } from '@parley/common';
import {
  connectTestBus,
  domainErrorOf,
  eventually,
  recordSubject,
  startServiceContext,
  uniqueAppId,
} from '@parley/common/testing';
import { AppCreated, EVENTS, MAX_API_KEYS_PER_APP, Principal, RPC } from '@parley/contracts';
import { Client } from 'pg';
import { identityModule } from '../../apps/identity/src/app.module';
import { usersModule } from '../../apps/users/src/app.module';

/**
 * Identity in-process against real Postgres and NATS, driven only through its RPCs. Users runs
 * beside it because tokens are issued only to users that exist (UserDirectory asks users).
 */
jest.setTimeout(30_000);

let identity: INestApplicationContext;
let users: INestApplicationContext;
let bus: NatsMessageBus;
let db: Client;

beforeAll(async () => {
  [identity, users] = await Promise.all([
    startServiceContext(identityModule({ http: false })),
    startServiceContext(usersModule({ http: false })),
  ]);
  bus = await connectTestBus();
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await bus?.close();
  await db?.end();
  await Promise.all([identity?.close(), users?.close()]);
});

interface TestApp {
  appId: string;
  restKey: string;
  authKey: string;
  created: AppCreated;
}

/** A fresh app of this test's own, with its REST (fullAccess) and Auth (authOnly) keys. */
async function createApp(): Promise<TestApp> {
  const appId = uniqueAppId();
  const created = await bus.request(RPC.identity.appCreate, { name: 'Integration app', appId });
  const keyOf = (scope: string) => created.apiKeys.find((k) => k.scope === scope)?.apiKey ?? '';
  return { appId, restKey: keyOf('fullAccess'), authKey: keyOf('authOnly'), created };
}

/** The principal the gateway would send for a request made with this app's REST key. */
const restPrincipal = (app: TestApp): Principal => ({
  appId: app.appId,
  kind: 'fullAccess',
  apiKeyHash: sha256(app.restKey),
});

describe('apps and API keys', () => {
  it('creates an app with one fullAccess and one authOnly key, each verifying to its scope', async () => {
    const app = await createApp();
    expect(app.created).toMatchObject({ appId: app.appId, name: 'Integration app' });
    expect(app.created.apiKeys.map((k) => k.scope).sort()).toEqual(['authOnly', 'fullAccess']);
    expect(app.restKey).toMatch(/^[0-9a-f]{40}$/);
    expect(app.authKey).toMatch(/^[0-9a-f]{40}$/);
    expect(app.restKey).not.toBe(app.authKey);

    await expect(
      bus.request(RPC.identity.verify, { appId: app.appId, apiKey: app.restKey }),
    ).resolves.toEqual({
      appId: app.appId,
      kind: 'fullAccess',
      apiKeyHash: sha256(app.restKey),
    });
    await expect(
      bus.request(RPC.identity.verify, { appId: app.appId, apiKey: app.authKey }),
    ).resolves.toEqual({
      appId: app.appId,
      kind: 'authOnly',
      apiKeyHash: sha256(app.authKey),
    });
  });

  it('refuses an unknown key with AUTH_ERR_APIKEY_NOT_FOUND and an unknown app with AUTH_ERR_INVALID_APPID', async () => {
    const app = await createApp();
    const unknownKey = await domainErrorOf(
      bus.request(RPC.identity.verify, { appId: app.appId, apiKey: 'f'.repeat(40) }),
    );
    expect(unknownKey.code).toBe('AUTH_ERR_APIKEY_NOT_FOUND');

    const unknownApp = await domainErrorOf(
      bus.request(RPC.identity.verify, { appId: uniqueAppId(), apiKey: app.restKey }),
    );
    expect(unknownApp.code).toBe('AUTH_ERR_INVALID_APPID');

    // A real key of one app is no key of another.
    const other = await createApp();
    const crossApp = await domainErrorOf(
      bus.request(RPC.identity.verify, { appId: other.appId, apiKey: app.restKey }),
    );
    expect(crossApp.code).toBe('AUTH_ERR_APIKEY_NOT_FOUND');
  });

  it('stores keys hashed: the plain key appears nowhere in the table', async () => {
    const app = await createApp();
    const extra = await bus.request(RPC.identity.apiKeyCreate, {
      appId: app.appId,
      name: 'Extra',
      scope: 'fullAccess',
    });
    const { rows } = await db.query<Record<string, unknown>>(
      'SELECT * FROM identity.api_keys WHERE app_id = $1',
      [app.appId],
    );
    expect(rows).toHaveLength(3);
    for (const plain of [app.restKey, app.authKey, extra.apiKey]) {
      const row = rows.find((r) => r.key_hash === sha256(plain));
      expect(row).toMatchObject({ masked: maskSecret(plain) });
      for (const r of rows) expect(JSON.stringify(r)).not.toContain(plain);
      const anywhere = await db.query('SELECT 1 FROM identity.api_keys k WHERE k::text LIKE $1', [
        `%${plain}%`,
      ]);
      expect(anywhere.rowCount).toBe(0);
    }
    // Lists show the masked form only.
    const listed = await bus.request(RPC.identity.apiKeyList, { appId: app.appId });
    expect(listed.items.map((k) => k.apiKey).sort()).toEqual(
      [app.restKey, app.authKey, extra.apiKey].map(maskSecret).sort(),
    );
  });

  it('publishes apikey.revoked on JetStream before the delete reply returns, leaving no outbox row', async () => {
    const app = await createApp();
    const revoked = await recordSubject(bus, EVENTS.identity.apiKeyRevoked.subject(app.appId));
    try {
      const reply = await bus.request(RPC.identity.apiKeyDelete, {
        principal: restPrincipal(app),
        apiKey: app.authKey,
      });
      // Checked synchronously on the reply: the event was on the stream before identity answered.
      const arrivedByReply = revoked.messages.length;
      expect(reply).toMatchObject({ success: true });
      expect(arrivedByReply).toBe(1);

      const event = EVENTS.identity.apiKeyRevoked.schema.parse(revoked.messages[0].data);
      expect(event).toEqual({
        v: 1,
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        appId: app.appId,
        occurredAt: expect.any(Number),
        apiKeyHash: sha256(app.authKey),
      });

      // Durably: JetStream stored it, under the event id as its msgID (the dedupe key).
      const jsm = await bus.connection.jetstreamManager();
      const stored = await jsm.streams.getMessage(
        `EVT_${EVENTS.identity.apiKeyRevoked.service.toUpperCase()}`,
        {
          last_by_subj: EVENTS.identity.apiKeyRevoked.subject(app.appId),
        },
      );
      expect(stored.header.get('Nats-Msg-Id')).toBe(event.eventId);
      expect(stored.json()).toEqual(event);

      const outbox = await db.query("SELECT 1 FROM identity.outbox WHERE payload->>'appId' = $1", [
        app.appId,
      ]);
      expect(outbox.rowCount).toBe(0);

      const gone = await domainErrorOf(
        bus.request(RPC.identity.verify, { appId: app.appId, apiKey: app.authKey }),
      );
      expect(gone.code).toBe('AUTH_ERR_APIKEY_NOT_FOUND');
    } finally {
      revoked.stop();
    }
  });

  it('refuses to delete the key in use, and keeps it working', async () => {
    const app = await createApp();
    const err = await domainErrorOf(
      bus.request(RPC.identity.apiKeyDelete, {
        principal: restPrincipal(app),
        apiKey: app.restKey,
      }),
    );
    expect(err.code).toBe('ERR_APIKEY_NO_SELF_ACTION');
    await expect(
      bus.request(RPC.identity.verify, { appId: app.appId, apiKey: app.restKey }),
    ).resolves.toMatchObject({
      kind: 'fullAccess',
    });
  });

  it(`never lets concurrent creates take an app past ${MAX_API_KEYS_PER_APP} keys`, async () => {
    const app = await createApp(); // already holds 2 keys
    const attempts = 30;
    const results = await Promise.allSettled(
      Array.from({ length: attempts }, (_, i) =>
        bus.request(RPC.identity.apiKeyCreate, {
          appId: app.appId,
          name: `Key ${i}`,
          scope: 'authOnly',
        }),
      ),
    );
    const created = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(created).toHaveLength(MAX_API_KEYS_PER_APP - 2);
    expect(refused).toHaveLength(attempts - (MAX_API_KEYS_PER_APP - 2));
    for (const reason of refused)
      expect(reason).toMatchObject({ code: 'ERR_PLAN_QUOTA_RESTRICTION' });

    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM identity.api_keys WHERE app_id = $1',
      [app.appId],
    );
    expect(rows[0].n).toBe(MAX_API_KEYS_PER_APP);
  });
});

describe('auth tokens and user deletion', () => {
  it("flushes a deleted user's tokens (identity consumes users' user.deleted)", async () => {
    const app = await createApp();
    await bus.request(RPC.users.userCreate, { appId: app.appId, uid: 'alice', name: 'Alice' });
    await bus.request(RPC.users.userCreate, { appId: app.appId, uid: 'bob', name: 'Bob' });
    const alice = await bus.request(RPC.identity.tokenCreate, { appId: app.appId, uid: 'alice' });
    const bob = await bus.request(RPC.identity.tokenCreate, { appId: app.appId, uid: 'bob' });
    await expect(
      bus.request(RPC.identity.verify, { appId: app.appId, authToken: alice.authToken }),
    ).resolves.toEqual({
      appId: app.appId,
      kind: 'user',
      uid: 'alice',
    });

    await bus.request(RPC.users.userDelete, { appId: app.appId, uid: 'alice' });

    const flushed = await eventually(
      async () => {
        const err = await domainErrorOf(
          bus.request(RPC.identity.verify, { appId: app.appId, authToken: alice.authToken }),
        );
        return err.code;
      },
      { timeoutMs: 5000 },
    );
    expect(flushed).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
    // Only that user's tokens.
    await expect(
      bus.request(RPC.identity.verify, { appId: app.appId, authToken: bob.authToken }),
    ).resolves.toMatchObject({
      uid: 'bob',
    });
  });

  it('issues no token to a user that does not exist', async () => {
    const app = await createApp();
    const err = await domainErrorOf(
      bus.request(RPC.identity.tokenCreate, { appId: app.appId, uid: 'nobody' }),
    );
    expect(err.code).toBe('ERR_UID_NOT_FOUND');
  });
});
