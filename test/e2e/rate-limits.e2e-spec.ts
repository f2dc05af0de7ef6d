import { request as httpRequest } from 'node:http';
import {
  adminKey,
  AppClient,
  AppKeys,
  createApp,
  ErrorReply,
  gateways,
  http,
  itOnSeparateProcesses,
  onOneProcess,
  Reply,
} from './support/parley';
import { TEST_PLATFORM_ENV } from './support/test-platform';

/**
 * Per-app rate limits (API.md §2, reference §6.8): counted in Redis per app, budget and minute, so
 * every gateway counts together. Limits are lowered per app through the operator API instead of
 * sending thousands of requests, and raised back instead of waiting for a window to end.
 */

const admin = () => ({ 'x-admin-key': adminKey() });

async function setLimits(app: AppKeys, limits: Record<string, number>) {
  const res = await http('PATCH', `${gateways()[0]}/admin/apps/${app.appId}`, {
    headers: admin(),
    body: { limits },
  });
  expect(res.status).toBe(200);
}

const minute = () => Math.floor(Date.now() / 60_000);

/**
 * Runs a test whose counts hold within one minute's window (the gateways share this machine's
 * clock). If it fails and a window ended meanwhile, it runs once more, then with most of a fresh
 * window ahead: no waiting for a window to end otherwise.
 */
async function inOneWindow(test: () => Promise<void>) {
  const started = minute();
  try {
    await test();
  } catch (err) {
    if (minute() === started) throw err;
    await test();
  }
}

const limitHeaders = (res: Reply) => ({
  limit: res.headers.get('x-rate-limit'),
  remaining: res.headers.get('x-rate-limit-remaining'),
});

function expectTooManyRequests(res: Reply, limit: number) {
  expect(res.status).toBe(429);
  expect((res.body as ErrorReply).error.code).toBe('ERR_TOO_MANY_REQUESTS');
  expect(limitHeaders(res)).toEqual({ limit: String(limit), remaining: '0' });
  const retryAfter = Number(res.headers.get('retry-after'));
  const reset = Number(res.headers.get('x-rate-limit-reset'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // The window's end, in Unix seconds (a whole minute), is `Retry-After` seconds away.
  expect(reset % 60).toBe(0);
  expect(Math.abs(reset - (Math.floor(Date.now() / 1000) + retryAfter))).toBeLessThanOrEqual(5);
}

describe('per-app rate limits', () => {
  const [gw0, gw1] = gateways();

  it('every app request carries X-Rate-Limit and X-Rate-Limit-Remaining, counted across gateways', () =>
    inOneWindow(async () => {
      const app = await createApp('Headers');
      const on0 = AppClient.rest(app, gw0);
      const on1 = AppClient.rest(app, gw1);

      const first = await on0.get('/users');
      expect(first.status).toBe(200);
      expect(limitHeaders(first)).toEqual({ limit: '20000', remaining: '19999' });
      expect(first.headers.get('retry-after')).toBeNull();
      expect(limitHeaders(await on1.get('/users'))).toEqual({ limit: '20000', remaining: '19998' });

      // Core operations have their own budget.
      const created = await on1.post('/users', { uid: 'alice', name: 'Alice' });
      expect(created.status).toBe(200);
      expect(limitHeaders(created)).toEqual({ limit: '10000', remaining: '9999' });
      const token = await AppClient.auth(app, gw0).post('/users/alice/auth_tokens');
      expect(limitHeaders(token)).toEqual({ limit: '10000', remaining: '9998' });

      // Errors carry them too, and the SDK's /v3.0 paths count the same.
      const missing = await on0.get('/users/nobody');
      expect(missing.status).toBe(404);
      expect(limitHeaders(missing)).toEqual({ limit: '20000', remaining: '19997' });
      const sdkPath = await http('GET', `${gw1}/v3.0/users`, { headers: on1.headers() });
      expect(limitHeaders(sdkPath)).toEqual({ limit: '20000', remaining: '19996' });

      // A request its credential does not authenticate is neither limited nor counted.
      const badKey = await http('GET', `${gw0}/v3/users`, {
        headers: { appid: app.appId, apikey: 'not-a-key' },
      });
      expect(badKey.status).toBe(401);
      expect(badKey.headers.get('x-rate-limit')).toBeNull();
      expect(limitHeaders(await on0.get('/users'))).toEqual({ limit: '20000', remaining: '19995' });

      // Operator and health routes are not limited.
      const operator = await http('GET', `${gw0}/admin/apps/${app.appId}`, { headers: admin() });
      expect(operator.status).toBe(200);
      expect(operator.headers.get('x-rate-limit')).toBeNull();
      const ready = await http<{ checks: Record<string, string> }>('GET', `${gw1}/health/ready`);
      expect(ready.status).toBe(200);
      // The one-process mode counts in memory: it has no Redis to check.
      expect(ready.body.checks.redis).toBe(onOneProcess() ? undefined : 'ok');
      expect(ready.headers.get('x-rate-limit')).toBeNull();
    }));

  it('refuses core operations past the core budget on either gateway, creating nothing', () =>
    inOneWindow(async () => {
      const app = await createApp('Core budget');
      await setLimits(app, { coreRequestsPerMinute: 3, standardRequestsPerMinute: 5 });
      const on0 = AppClient.rest(app, gw0);
      const on1 = AppClient.rest(app, gw1);

      const remaining: Array<string | null> = [];
      for (const [client, uid] of [
        [on0, 'u1'],
        [on1, 'u2'],
        [on0, 'u3'],
      ] as const) {
        const res = await client.post('/users', { uid, name: uid });
        expect(res.status).toBe(200);
        remaining.push(res.headers.get('x-rate-limit-remaining'));
      }
      expect(remaining).toEqual(['2', '1', '0']);

      expectTooManyRequests(await on1.post('/users', { uid: 'u4', name: 'u4' }), 3);
      expectTooManyRequests(await on0.post('/users/u1/auth_tokens'), 3);
      expectTooManyRequests(await on1.delete('/users/u2', { permanent: true }), 3);

      // The standard budget is separate and untouched: the refused requests changed nothing.
      const u4 = await on0.get<ErrorReply>('/users/u4');
      expect(u4.status).toBe(404);
      expect(u4.body.error.code).toBe('ERR_UID_NOT_FOUND');
      expect(limitHeaders(u4)).toEqual({ limit: '5', remaining: '4' });
      const tokens = await on1.get<{ data: unknown[] }>('/users/u1/auth_tokens');
      expect(tokens.status).toBe(200);
      expect(tokens.body.data).toEqual([]);
      const users = await on0.get<{ data: Array<{ uid: string }> }>('/users');
      expect(users.body.data.map((u) => u.uid).sort()).toEqual(['u1', 'u2', 'u3']);
      expect(limitHeaders(users)).toEqual({ limit: '5', remaining: '2' });
    }));

  itOnSeparateProcesses('it needs a second gateway with no limits of the app cached')(
    'refuses standard requests past the standard budget; raised limits apply, the refusal changed nothing',
    () =>
      inOneWindow(async () => {
        const app = await createApp('Standard budget');
        await setLimits(app, { coreRequestsPerMinute: 3, standardRequestsPerMinute: 5 });
        const on0 = AppClient.rest(app, gw0);
        const on1 = AppClient.rest(app, gw1);
        expect((await on0.post('/users', { uid: 'alice', name: 'Alice' })).status).toBe(200);

        for (let i = 0; i < 5; i++) {
          const res = await on0.get('/users/alice');
          expect(res.status).toBe(200);
          expect(limitHeaders(res)).toEqual({ limit: '5', remaining: String(4 - i) });
        }
        expectTooManyRequests(await on0.put('/users/alice', { name: 'Changed' }), 5);
        expectTooManyRequests(await on0.delete('/users', { uidsToDeactivate: ['alice'] }), 5);

        // Core operations still have their budget, and show the deactivation was not done (a
        // deactivated user gets no new token).
        const token = await on0.post('/users/alice/auth_tokens');
        expect(token.status).toBe(200);
        expect(limitHeaders(token)).toEqual({ limit: '3', remaining: '1' });

        // Raised back. A gateway applies an app's new limits once its cached ones are older than
        // RATE_LIMIT_CACHE_SECONDS; gw1 has none cached for this app, so at once. The count is the
        // one both gateways share: 5 served and 2 refused before this one.
        await setLimits(app, { coreRequestsPerMinute: 1000, standardRequestsPerMinute: 1000 });
        const after = await on1.get<{ data: { name: string } }>('/users/alice');
        expect(after.status).toBe(200);
        expect(limitHeaders(after)).toEqual({ limit: '1000', remaining: '992' });
        expect(after.body.data.name).toBe('Alice'); // the refused update changed nothing
      }),
  );

  it('one noisy app neither limits nor spends the budget of another', () =>
    inOneWindow(async () => {
      const [noisy, quiet] = await Promise.all([createApp('Noisy'), createApp('Quiet')]);
      await setLimits(noisy, { standardRequestsPerMinute: 5 });
      const quietClient = AppClient.rest(quiet, gw0);

      const flood = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          AppClient.rest(noisy, i % 2 ? gw1 : gw0).get('/users'),
        ),
      );
      const quietReplies: Reply[] = [];
      for (let i = 0; i < 10; i++)
        quietReplies.push(await quietClient.on(i % 2 ? gw1 : gw0).get('/users'));
      const noisyReplies = await flood;

      // Exactly the budget is served, whichever gateway each request reached.
      expect(noisyReplies.filter((r) => r.status === 200)).toHaveLength(5);
      expect(noisyReplies.filter((r) => r.status === 429)).toHaveLength(35);
      expect(quietReplies.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(quietReplies.map((r) => limitHeaders(r))).toEqual(
        Array.from({ length: 10 }, (_, i) => ({ limit: '20000', remaining: String(19999 - i) })),
      );
    }));
});

describe('per-user and per-address limits', () => {
  const [gw0, gw1] = gateways();
  const message = (receiver: string, text: string) => ({
    receiver,
    receiverType: 'user',
    category: 'message',
    type: 'text',
    data: { text },
  });

  it("refuses a user's messages past userMessagesPerMinute on either gateway; others still send, nothing stored", () =>
    inOneWindow(async () => {
      const app = await createApp('User limit');
      await setLimits(app, { userMessagesPerMinute: 3 });
      const rest = AppClient.rest(app);
      for (const uid of ['alice', 'bob'])
        expect((await rest.post('/users', { uid, name: uid })).status).toBe(200);
      const token = await AppClient.auth(app).post<{ data: { authToken: string } }>(
        '/users/alice/auth_tokens',
      );
      const alice = new AppClient(app.appId, { authtoken: token.body.data.authToken });
      const asAlice = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'alice' });
      const asBob = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'bob' });

      for (const [client, i] of [
        [alice.on(gw0), 1],
        [alice.on(gw1), 2],
        [asAlice.on(gw0), 3],
      ] as const) {
        const sent = await client.post('/messages', message('bob', `m${i}`));
        expect(sent.status).toBe(200);
        // While the user is within their budget the headers are the app's.
        expect(limitHeaders(sent)).toEqual({
          limit: '20000',
          remaining: String(20000 - i),
        });
      }
      expectTooManyRequests(await alice.on(gw1).post('/messages', message('bob', 'm4')), 3);
      expectTooManyRequests(await asAlice.on(gw0).post('/messages', message('bob', 'm5')), 3);

      // Bob and the app itself (REST key, as app_system) still send; alice still reads.
      expect((await asBob.post('/messages', message('alice', 'from bob'))).status).toBe(200);
      expect((await rest.post('/messages', message('alice', 'from the app'))).status).toBe(200);
      const history = await alice.get<{ data: Array<{ sender: string; data: { text?: string } }> }>(
        '/users/bob/messages',
      );
      expect(history.status).toBe(200);
      expect(history.body.data.map((m) => [m.sender, m.data.text])).toEqual([
        ['alice', 'm1'],
        ['alice', 'm2'],
        ['alice', 'm3'],
        ['bob', 'from bob'],
      ]);
    }));

  it('refuses logins from one address past loginsPerIpPerMinute; a forged X-Forwarded-For changes nothing', () =>
    inOneWindow(async () => {
      const app = await createApp('Login limit');
      await setLimits(app, { loginsPerIpPerMinute: 2 });
      const rest = AppClient.rest(app);
      for (const uid of ['alice', 'bob'])
        expect((await rest.post('/users', { uid, name: uid })).status).toBe(200);
      const authKey = (gw: string, forwardedFor?: string) => ({
        appid: app.appId,
        apikey: app.authKey,
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      });
      const tokenOf = (gw: string, uid: string, forwardedFor?: string) =>
        http<{ data: { authToken: string } }>('POST', `${gw}/v3.0/users/${uid}/auth_tokens`, {
          headers: authKey(gw, forwardedFor),
          body: {},
        });

      const first = await tokenOf(gw0, 'alice');
      expect(first.status).toBe(200);
      const login = await http('PUT', `${gw1}/v3.0/me`, {
        headers: { appid: app.appId, authtoken: first.body.data.authToken },
        body: { platform: 'WEB' },
      });
      expect(login.status).toBe(200);

      // The gateways trust no proxy (TRUST_PROXY unset): the header does not make a new address.
      expectTooManyRequests(await tokenOf(gw1, 'bob', '203.0.113.7'), 2);
      expectTooManyRequests(
        await http('PUT', `${gw0}/v3.0/me`, {
          headers: { appid: app.appId, authtoken: first.body.data.authToken },
          body: { platform: 'WEB' },
        }),
        2,
      );

      // The refused token was not made; a server with the REST key still makes tokens.
      const bobs = await rest.get<{ data: unknown[] }>('/users/bob/auth_tokens');
      expect(bobs.body.data).toEqual([]);
      expect((await rest.post('/users/bob/auth_tokens')).status).toBe(200);
    }));
});

/**
 * A loopback address of its own (not 127.0.0.1, which the other tests use, so locking it out does
 * not lock them out; random, as the counters live in a Redis other platforms may share).
 */
const loopbackAddress = () =>
  `127.${[0, 0, 0].map(() => 1 + Math.floor(Math.random() * 250)).join('.')}`;

/** An HTTP request sent from the local address `from`. */
function httpFrom(
  from: string,
  method: string,
  url: string,
  headers: Record<string, string>,
): Promise<Reply<ErrorReply>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress: from }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string') replyHeaders.set(name, value);
        resolve({
          status: res.statusCode ?? 0,
          body: (text ? JSON.parse(text) : undefined) as ErrorReply,
          headers: replyHeaders,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('wrong operator keys', () => {
  const [gw0, gw1] = gateways();
  const wrongKey = { 'x-admin-key': `${adminKey()}-wrong` };
  const rightKey = { 'x-admin-key': adminKey() };

  it('are limited per address across gateways: then every operator request from it is 429, other addresses unaffected', () =>
    inOneWindow(async () => {
      const [locked, other] = [loopbackAddress(), loopbackAddress()];
      const limit = Number(TEST_PLATFORM_ENV.OPERATOR_KEY_FAILURES_PER_IP_PER_MINUTE);
      // The budget, spent on both gateways, a few requests at a time.
      const spent: Array<Reply<ErrorReply>> = [];
      for (let i = 0; i < limit; i += 20) {
        spent.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(20, limit - i) }, (_, j) =>
              httpFrom(locked, 'GET', `${(i + j) % 2 ? gw0 : gw1}/admin/apps`, wrongKey),
            ),
          )),
        );
      }
      expect(spent.map((r) => [r.status, r.body.error.code])).toEqual(
        spent.map(() => [403, 'AUTH_ERR_NO_ACCESS']),
      );
      // Each wrong key said what was left: every count from limit-1 down to 0, once.
      expect(
        spent.map((r) => Number(r.headers.get('x-rate-limit-remaining'))).sort((a, b) => a - b),
      ).toEqual(Array.from({ length: limit }, (_, i) => i));
      expectTooManyRequests(await httpFrom(locked, 'GET', `${gw0}/admin/apps`, wrongKey), limit);
      // The right key too, from that address, on either gateway; a forged X-Forwarded-For changes
      // nothing (TRUST_PROXY unset).
      expectTooManyRequests(await httpFrom(locked, 'GET', `${gw1}/admin/apps`, rightKey), limit);
      expectTooManyRequests(
        await httpFrom(locked, 'GET', `${gw0}/admin/apps`, {
          ...rightKey,
          'x-forwarded-for': '203.0.113.9',
        }),
        limit,
      );

      // Another address still gets in with the right key, and its wrong key is its own first.
      expect((await httpFrom(other, 'GET', `${gw1}/admin/apps`, rightKey)).status).toBe(200);
      const otherWrong = await httpFrom(other, 'GET', `${gw0}/admin/apps`, wrongKey);
      expect([otherWrong.status, otherWrong.body.error.code]).toEqual([403, 'AUTH_ERR_NO_ACCESS']);
      expect(limitHeaders(otherWrong)).toEqual({
        limit: String(limit),
        remaining: String(limit - 1),
      });
    }));
});
