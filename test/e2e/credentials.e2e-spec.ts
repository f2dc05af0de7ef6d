import { request } from 'node:http';
import { AppClient, AppKeys, createApp, ErrorReply, gateways, http } from './support/parley';

/** fetch() may not set Host, so this one request goes through node:http. */
function getWithHost(url: string, host: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

type UserReply = { data: { uid: string; authToken?: string } };

async function userWithToken(app: AppKeys, uid: string): Promise<string> {
  const res = await AppClient.rest(app).post<UserReply>('/users', {
    uid,
    name: uid,
    withAuthToken: true,
  });
  expect(res.status).toBe(200);
  return res.body.data.authToken as string;
}

describe('credentials and app resolution', () => {
  it('gives CometChat codes for a missing app id, unknown app, missing key and bad key', async () => {
    const app = await createApp();
    const gw = gateways()[0];
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ apikey: app.restKey }, 401, 'AUTH_ERR_EMPTY_APPID'],
      [{ appid: 'no-such-app', apikey: app.restKey }, 401, 'AUTH_ERR_INVALID_APPID'],
      [{ appid: 'bad app id!', apikey: app.restKey }, 401, 'AUTH_ERR_INVALID_APPID'],
      [{ appid: app.appId }, 401, 'AUTH_ERR_EMPTY_APIKEY'],
      [{ appid: app.appId, apikey: 'f'.repeat(40) }, 401, 'AUTH_ERR_APIKEY_NOT_FOUND'],
      [
        { appid: app.appId, authtoken: 'nobody_1700000000abc' },
        401,
        'AUTH_ERR_AUTH_TOKEN_NOT_FOUND',
      ],
    ];
    for (const [headers, status, code] of cases) {
      const res = await http<ErrorReply>('GET', `${gw}/v3/users`, { headers });
      expect({ headers, status: res.status, code: res.body.error?.code }).toEqual({
        headers,
        status,
        code,
      });
    }
  });

  it('takes the app id from the Host sub-domain when there is no appId header', async () => {
    const app = await createApp();
    const status = await getWithHost(`${gateways()[0]}/v3/users`, `${app.appId}.chat.example.com`, {
      apikey: app.restKey,
    });
    expect(status).toBe(200);
    const other = await getWithHost(`${gateways()[0]}/v3/users`, 'someone-else.chat.example.com', {
      apikey: app.restKey,
    });
    expect(other).toBe(401);
  });

  it('serves the same routes under /v3 and /v3.0, with header names in any case', async () => {
    const app = await createApp();
    const res = await http<{ data: unknown[] }>('GET', `${gateways()[0]}/v3.0/apikeys`, {
      headers: { AppId: app.appId, ApiKey: app.restKey },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
  });

  it("lets the auth-only key create users and tokens and change profiles (the SDK's updateUser), and nothing else", async () => {
    const app = await createApp();
    const auth = AppClient.auth(app);
    expect((await auth.post('/users', { uid: 'amy', name: 'Amy' })).status).toBe(200);
    expect((await auth.post('/users/amy/auth_tokens', {})).status).toBe(200);
    const refused: Array<[string, string, unknown?]> = [
      ['GET', '/users'],
      ['GET', '/users/amy'],
      ['PUT', '/users/amy', { name: 'Eve', role: 'admin' }],
      ['DELETE', '/users/amy', {}],
      ['GET', '/users/amy/auth_tokens'],
      ['DELETE', '/users/amy/auth_tokens'],
      ['GET', '/apikeys'],
      ['POST', '/apikeys', { name: 'k', scope: 'fullAccess' }],
    ];
    for (const [method, path, body] of refused) {
      const res = await auth.request<ErrorReply>(method, path, body);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'AUTH_ERR_NO_ACCESS',
      });
    }
    // Nothing the refused calls asked for happened.
    const rest = AppClient.rest(app);
    const amy = await rest.get<{ data: { name: string; role: string } }>('/users/amy');
    expect(amy.body.data).toMatchObject({ name: 'Amy', role: 'default' });

    // A profile is the auth key's to change (CometChat's SDK sends its whole User object).
    const renamed = await auth.put<{ data: { name: string } }>('/users/amy', {
      uid: 'amy',
      name: 'Amy Pond',
      hasBlockedMe: false,
      blockedByMe: false,
      deactivatedAt: 0,
    });
    expect([renamed.status, renamed.body.data.name]).toEqual([200, 'Amy Pond']);
  });

  it("keeps apps apart: one app's key sees nothing of another's", async () => {
    const [a, b] = await Promise.all([createApp('A'), createApp('B')]);
    const restA = AppClient.rest(a);
    const restB = AppClient.rest(b);
    expect((await restB.post('/users', { uid: 'bob', name: 'Bob' })).status).toBe(200);

    // A's key presented for B's app is unknown there, and vice versa.
    const crossed = await http<ErrorReply>('GET', `${gateways()[0]}/v3/users`, {
      headers: { appid: b.appId, apikey: a.restKey },
    });
    expect(crossed.status).toBe(401);
    expect(crossed.body.error.code).toBe('AUTH_ERR_APIKEY_NOT_FOUND');

    const get = await restA.get<ErrorReply>('/users/bob');
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('ERR_UID_NOT_FOUND');
    const list = await restA.get<{ data: Array<{ uid: string }> }>('/users');
    expect(list.body.data).toEqual([]);
    const tokens = await restA.get<ErrorReply>('/users/bob/auth_tokens');
    expect(tokens.status).toBe(404);
    // A uid may exist in both apps independently.
    expect((await restA.post('/users', { uid: 'bob', name: 'Other Bob' })).status).toBe(200);
    expect((await restB.get<{ data: { name: string } }>('/users/bob')).body.data.name).toBe('Bob');
  });

  it('a deleted auth token is refused on the next request, on every gateway', async () => {
    const app = await createApp();
    const token = await userWithToken(app, 'tia');
    const [gwA, gwB] = gateways();
    const asTia = (gw: string) => new AppClient(app.appId, { authtoken: token }, gw);
    // Warm both gateways' credential caches.
    expect((await asTia(gwA).get('/users/tia')).status).toBe(200);
    expect((await asTia(gwB).get('/users/tia')).status).toBe(200);

    const del = await AppClient.rest(app, gwA).delete(`/users/tia/auth_tokens/${token}`);
    expect(del.status).toBe(200);

    for (const gw of [gwB, gwA]) {
      const res = await asTia(gw).get<ErrorReply>('/users/tia');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
    }
  });

  it('a deleted or narrowed API key is refused on the next request, on every gateway', async () => {
    const app = await createApp();
    const [gwA, gwB] = gateways();
    const rest = AppClient.rest(app, gwA);
    const made = await rest.post<{ data: { apiKey: string } }>('/apikeys', {
      name: 'ci',
      scope: 'fullAccess',
    });
    const second = made.body.data.apiKey;
    const useSecond = (gw: string) =>
      http<ErrorReply>('GET', `${gw}/v3/users`, { headers: { appid: app.appId, apikey: second } });
    expect((await useSecond(gwB)).status).toBe(200);

    // Narrowed to authOnly: the cached fullAccess principal must not survive.
    expect((await rest.put(`/apikeys/${second}`, { scope: 'authOnly' })).status).toBe(200);
    const narrowed = await useSecond(gwB);
    expect(narrowed.status).toBe(403);
    expect(narrowed.body.error.code).toBe('AUTH_ERR_NO_ACCESS');

    expect((await rest.delete(`/apikeys/${second}`)).status).toBe(200);
    for (const gw of [gwB, gwA]) {
      const res = await useSecond(gw);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_ERR_APIKEY_NOT_FOUND');
    }
  });

  it('acts on behalf of a user with onBehalfOf, which must be a valid uid', async () => {
    const app = await createApp();
    const res = await http<ErrorReply>('GET', `${gateways()[0]}/v3/users`, {
      headers: { appid: app.appId, apikey: app.restKey, onbehalfof: 'not a uid' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toHaveProperty('onBehalfOf');
  });
});
