// The bench's client of Parley's REST API: an app with limits out of the way, users, logins.
async function call(method, url, opts = {}, attempt = 1) {
  const { headers = {}, body } = opts;
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // Setting up thousands of users on a busy machine: a service that did not answer in time is asked again.
  if ((res.status === 503 || res.status === 429) && attempt < 5) {
    await new Promise((r) => setTimeout(r, 500 * attempt));
    return call(method, url, opts, attempt + 1);
  }
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return json.data ?? json;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

export class Parley {
  constructor(gateway, adminKey) {
    this.gateway = gateway;
    this.adminKey = adminKey;
  }

  /** A new app whose rate limits a benchmark cannot reach. */
  async createApp(name) {
    const admin = { 'x-admin-key': this.adminKey };
    const appId = `bench${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const app = await call('POST', `${this.gateway}/admin/apps`, {
      headers: admin,
      body: { name, appId },
    });
    await call('PATCH', `${this.gateway}/admin/apps/${appId}`, {
      headers: admin,
      body: {
        limits: {
          coreRequestsPerMinute: 10_000_000,
          standardRequestsPerMinute: 10_000_000,
          // Every bench client logs in from 127.0.0.1, and a sender may send for a whole window.
          loginsPerIpPerMinute: 10_000_000,
          userMessagesPerMinute: 10_000_000,
        },
      },
    });
    return {
      appId,
      restKey: app.apiKeys.find((k) => k.scope === 'fullAccess').apiKey,
      authKey: app.apiKeys.find((k) => k.scope === 'authOnly').apiKey,
    };
  }

  rest(app, extra = {}) {
    return { appid: app.appId, apikey: app.restKey, ...extra };
  }

  async createUsers(app, uids) {
    await pool(uids, 16, (uid) =>
      call('POST', `${this.gateway}/v3/users`, {
        headers: this.rest(app),
        body: { uid, name: uid },
      }),
    );
  }

  /** Many users at once: the data import, 100 a call. */
  async importUsers(app, uids) {
    const batches = [];
    for (let i = 0; i < uids.length; i += 100) batches.push(uids.slice(i, i + 100));
    await pool(batches, 4, (batch) =>
      call('POST', `${this.gateway}/v3/data_import/users`, {
        headers: this.rest(app),
        body: { users: batch.map((uid) => ({ uid, name: uid })) },
      }),
    );
  }

  async createGroup(app, guid, members) {
    await call('POST', `${this.gateway}/v3/groups`, {
      headers: this.rest(app),
      body: { guid, name: guid, type: 'public' },
    });
    // At most 25 uids per call (the reference's limit).
    const batches = [];
    for (let i = 0; i < members.length; i += 25) batches.push(members.slice(i, i + 25));
    await pool(batches, 4, (participants) =>
      call('POST', `${this.gateway}/v3/groups/${guid}/members`, {
        headers: this.rest(app),
        body: { participants },
      }),
    );
  }

  /** The SDK's login: an auth token with the auth key, then `PUT /v3.0/me` for the JWT. */
  async login(app, uid) {
    const token = await call('POST', `${this.gateway}/v3.0/users/${uid}/auth_tokens`, {
      headers: { appid: app.appId, apikey: app.authKey },
      body: { platform: 'WEB' },
    });
    const me = await call('PUT', `${this.gateway}/v3.0/me`, {
      headers: { appid: app.appId, authtoken: token.authToken },
      body: { platform: 'WEB' },
    });
    return { uid, jwt: me.jwt, authToken: token.authToken };
  }
}

/** The SDK's auth frame (realtime reference §5). */
export function authFrame(appId, login, deviceId) {
  return {
    appId,
    deviceId,
    type: 'auth',
    sender: login.uid,
    body: {
      auth: login.jwt,
      deviceId,
      presenceSubscription: 'ALL_USERS',
      params: {},
      // Read by the bench's bare server only (its group broadcast); Parley ignores it.
      ...(login.groups ? { groups: login.groups } : {}),
    },
  };
}
