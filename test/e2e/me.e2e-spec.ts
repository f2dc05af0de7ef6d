import { AppClient, createApp, ErrorReply, gateways, http } from './support/parley';

/** The SDK's login pair and session calls (realtime reference §4, API.md §1). */

// Whole-platform tests wait on real services and events (Jest's default is 5 s).
jest.setTimeout(30_000);

interface Me {
  uid: string;
  name: string;
  authToken: string;
  jwt: string;
  settings: Record<string, unknown>;
}

const DEVICE = {
  platform: 'WEB',
  deviceId: 'app_9f1c_1795655793000',
  appInfo: { version: '4.2.0', apiVersion: 'v3.0', userAgent: 'Mozilla/5.0 (jest)' },
};

/** An app with user `uid` and an auth token made the SDK's way: the auth key in `apikey`. */
async function userWithToken(uid: string) {
  const app = await createApp();
  const rest = AppClient.rest(app);
  await rest.post('/users', { uid, name: 'Super Hero' });
  const res = await http<{ data: { uid: string; authToken: string } }>(
    'POST',
    `${gateways()[0]}/v3.0/users/${uid}/auth_tokens`,
    { headers: { appId: app.appId, apiKey: app.authKey }, body: DEVICE },
  );
  expect(res.status).toBe(200);
  return { app, rest, authToken: res.body.data.authToken };
}

/** A call with the user's token, as the SDK sends it. */
function asUser(appId: string, authToken: string, gateway = gateways()[0]) {
  return <T>(method: string, path: string, body?: unknown) =>
    http<T>(method, `${gateway}${path}`, {
      headers: { appId, authToken, resource: 'WEB-4_2_0-session', sdk: 'javascript@4.2.0' },
      body,
    });
}

describe('client API: /v3.0/me', () => {
  it('logs in as the SDK does: PUT me returns the user, the same token, a JWT and settings', async () => {
    const { app, rest, authToken } = await userWithToken('superhero1');
    const user = asUser(app.appId, authToken);

    const res = await user<{ data: Me }>('PUT', '/v3.0/me', DEVICE);
    expect(res.status).toBe(200);
    const me = res.body.data;
    expect(me).toMatchObject({ uid: 'superhero1', name: 'Super Hero', role: 'default' });
    // The SDK adopts data.authToken and needs back exactly the token it logged in with.
    expect(me.authToken).toBe(authToken);
    expect(me.jwt.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(me.jwt.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ appId: app.appId, uid: 'superhero1' });
    expect(JSON.stringify(claims)).not.toContain(authToken);

    // The device details are kept on the token.
    const token = await rest.get<{ data: Record<string, unknown> }>(
      `/users/superhero1/auth_tokens/${authToken}`,
    );
    expect(token.body.data).toMatchObject({
      platform: 'WEB',
      userAgent: 'Mozilla/5.0 (jest)',
      appInfo: DEVICE.appInfo,
    });
  });

  it('advertises this gateway in settings, by the concatenation rules of the SDK', async () => {
    const { app, authToken } = await userWithToken('alice');
    const gateway = gateways()[1];
    const { host, port } = new URL(gateway);
    const me = (await asUser(app.appId, authToken, gateway)<{ data: Me }>('PUT', '/v3.0/me')).body
      .data;
    const s = me.settings;
    expect(s).toMatchObject({
      CLIENT_API_HOST: host,
      ADMIN_API_HOST: host,
      CHAT_API_VERSION: 'v3.0',
      CHAT_HOST: `127.0.0.1:${port}/ws`,
      CHAT_WSS_PORT: port,
      ANALYTICS_PING_DISABLED: true,
      APP_VERSION: '4',
      MODE: '',
    });
    expect(s.settingsHash).toEqual(expect.any(String));
    // The same settings on GET /v3.0/settings (the SDK asks when PUT me had none).
    const settings = await asUser(
      app.appId,
      authToken,
      gateway,
    )<{ data: Me['settings'] }>('GET', '/v3.0/settings');
    expect(settings.body.data).toMatchObject({ CLIENT_API_HOST: host, CHAT_WSS_PORT: port });
  });

  it('serves /v3/me too, and a login with no body', async () => {
    const { app, authToken } = await userWithToken('bob');
    const res = await asUser(app.appId, authToken)<{ data: Me }>('PUT', '/v3/me');
    expect(res.status).toBe(200);
    expect(res.body.data.authToken).toBe(authToken);
  });

  it('ignores device details of the wrong type rather than failing a login', async () => {
    const { app, authToken } = await userWithToken('carol');
    const res = await asUser(app.appId, authToken)<{ data: Me }>('PUT', '/v3.0/me', {
      platform: 7,
      appInfo: 'not an object',
      hasBlockedMe: false, // the SDK serialises its whole user object
    });
    expect(res.status).toBe(200);
  });

  it('GET me answers the user of the token', async () => {
    const { app, authToken } = await userWithToken('dave');
    const res = await asUser(app.appId, authToken)<{ data: Record<string, unknown> }>(
      'GET',
      '/v3.0/me',
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid: 'dave', name: 'Super Hero' });
    expect(res.body.data.authToken).toBeUndefined();
  });

  it('DELETE me logs out: the token is refused afterwards on every gateway', async () => {
    const { app, authToken } = await userWithToken('erin');
    const [g1, g2] = gateways();
    expect((await asUser(app.appId, authToken, g2)('GET', '/v3.0/me')).status).toBe(200);

    const out = await asUser(app.appId, authToken, g1)<{ data: unknown }>('DELETE', '/v3.0/me');
    expect(out.status).toBe(200);
    expect(out.body.data).toEqual({ success: true, message: expect.any(String) });

    for (const g of [g1, g2]) {
      const res = await asUser(app.appId, authToken, g)<ErrorReply>('GET', '/v3.0/me');
      expect(res.status).toBe(401);
      // The code that makes the SDK log itself out locally.
      expect(res.body.error.code).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
    }
  });

  it('accepts the telemetry calls and stores nothing', async () => {
    const { app, authToken } = await userWithToken('frank');
    const user = asUser(app.appId, authToken);
    const sessions = await user<{ data: { success: boolean } }>('POST', '/v3.0/user_sessions', {
      sessionId: 'a'.repeat(64),
      data: { integrationSource: 'jest', cometchat: { chatsdk: '4.2.0' } },
      generatedAt: 1795655793,
    });
    expect(sessions.status).toBe(200);
    expect(sessions.body.data.success).toBe(true);
    const ping = await user<{ data: unknown }>('POST', '/v3.0/ping', { uid: 'frank' });
    expect(ping.status).toBe(200);
  });

  it('is for users: a REST key is refused, and so is no credential', async () => {
    const { app } = await userWithToken('gina');
    const withKey = await http<ErrorReply>('PUT', `${gateways()[0]}/v3.0/me`, {
      headers: { appid: app.appId, apikey: app.restKey },
      body: {},
    });
    expect(withKey.status).toBe(403);
    expect(withKey.body.error.code).toBe('AUTH_ERR_NO_ACCESS');
    const none = await http<ErrorReply>('GET', `${gateways()[0]}/v3.0/me`, {
      headers: { appid: app.appId },
    });
    expect(none.status).toBe(401);
  });
});
