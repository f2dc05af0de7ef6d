import { randomBytes } from 'node:crypto';
import { as, code, EVENTS_ARRIVE_MS, One, text, toGroup } from './support/messaging-fixtures';
import {
  AppClient,
  AppKeys,
  createApp,
  ErrorReply,
  eventually,
  gateways,
  http,
  Reply,
} from './support/parley';
import { login, TestSocket } from './support/realtime-client';

/**
 * The authorisation matrix: every REST route the gateway documents, tried with every
 * credential that must be refused, and the group rules tried by users who must be refused. The
 * route list comes from the OpenAPI document, so a new route is covered the day it is added; the
 * expected refusal per route follows the credential kinds the route declares there.
 */

type Kind = 'fullAccess' | 'authOnly' | 'user';
interface Route {
  method: string;
  path: string;
  credential: 'admin' | 'public' | Kind[];
  hasBody: boolean;
}

interface OpenApi {
  paths: Record<
    string,
    Record<string, { 'x-parley-credential': Route['credential']; requestBody?: unknown }>
  >;
}

async function documentedRoutes(): Promise<Route[]> {
  const res = await http<OpenApi>('GET', `${gateways()[0]}/docs`);
  if (res.status !== 200) throw new Error(`GET /docs: ${res.status}`);
  return Object.entries(res.body.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      credential: op['x-parley-credential'],
      hasBody: op.requestBody !== undefined,
    })),
  );
}

const tag = randomBytes(4).toString('hex');
/** The victim app's ids and texts: distinctive, so finding one in another app's answer is a leak. */
const V = {
  alice: `vic-alice-${tag}`,
  bob: `vic-bob-${tag}`,
  carol: `vic-carol-${tag}`,
  dave: `vic-dave-${tag}`,
  mod: `vic-mod-${tag}`,
  team: `vic-team-${tag}`,
  role: `vicrole${tag}`,
  aliceName: `Victim Alice ${tag}`,
  teamName: `Victim Team ${tag}`,
  secretText: `victim secret text ${tag}`,
  dmText: `victim direct text ${tag}`,
};

function fill(path: string, ids: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ids[name] ?? 'x'));
}

function call(route: Route, url: string, headers: Record<string, string>, body?: unknown) {
  return http<ErrorReply>(route.method, url, {
    headers,
    body: route.hasBody || route.method === 'POST' ? (body ?? {}) : undefined,
  });
}

const describeReply = (route: Route, res: Reply) =>
  `${route.method} ${route.path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;

/** Everything the victim app shows its own REST key: unchanged by every refused request. */
async function snapshot(rest: AppClient) {
  const paths = [
    '/users?perPage=100',
    `/users/${V.alice}`,
    '/groups?perPage=100',
    `/groups/${V.team}`,
    `/groups/${V.team}/members?perPage=100`,
    `/groups/${V.team}/bannedusers`,
    `/groups/${V.team}/messages?limit=100`,
    `/users/${V.alice}/messages?limit=100`,
    '/apikeys',
    '/roles',
    `/users/${V.alice}/auth_tokens`,
    `/users/${V.alice}/friends`,
    `/users/${V.alice}/blockedusers`,
  ];
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const res = await rest.get(p);
    out[p] = { status: res.status, body: res.body };
  }
  // lastActiveAt moves with any authenticated call of the user; it is not what is protected here
  return JSON.parse(JSON.stringify(out).replace(/"lastActiveAt":\d+,?/g, '')) as unknown;
}

describe('authorisation matrix', () => {
  let routes: Route[];
  let victim: AppKeys;
  let attacker: AppKeys;
  let vrest: AppClient;
  let aliceToken: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    routes = await documentedRoutes();
    victim = await createApp('victim');
    attacker = await createApp('attacker');
    vrest = AppClient.rest(victim);
    for (const uid of [V.alice, V.bob, V.carol, V.dave, V.mod]) {
      const name = uid === V.alice ? V.aliceName : `Victim ${uid}`;
      const res = await vrest.post('/users', { uid, name, metadata: { secret: V.secretText } });
      expect(res.status).toBe(200);
    }
    const group = await as(victim, V.alice).post('/groups', {
      guid: V.team,
      name: V.teamName,
      type: 'public',
      members: { participants: [V.bob], moderators: [V.mod] },
    });
    expect(group.status).toBe(200);
    const sent = await as(victim, V.alice).post<One>('/messages', toGroup(V.team, V.secretText));
    expect(sent.status).toBe(200);
    expect((await as(victim, V.alice).post('/messages', text(V.bob, V.dmText))).status).toBe(200);
    expect((await vrest.post('/roles', { role: V.role, name: `Role ${tag}` })).status).toBe(200);
    const token = await vrest.post<{ data: { authToken: string } }>(
      `/users/${V.alice}/auth_tokens`,
      {},
    );
    aliceToken = token.body.data.authToken;
    ids = {
      uid: V.alice,
      guid: V.team,
      id: sent.body.data.id,
      apiKey: victim.restKey,
      authToken: aliceToken,
      role: V.role,
      appId: victim.appId,
      deliveryId: '1',
    };
    // The attacker app has users of its own, one of them in a group of its own.
    const arest = AppClient.rest(attacker);
    for (const uid of ['eve', 'mallory'])
      await arest.post('/users', { uid, name: `Attacker ${uid}` });
    await as(attacker, 'eve').post('/groups', { guid: 'den', name: 'Den', type: 'public' });
  });

  it('covers the routes the gateway documents', () => {
    // a guard against an empty or broken document making every sweep below vacuous
    expect(routes.length).toBeGreaterThan(80);
    expect(routes.filter((r) => r.credential === 'admin').length).toBeGreaterThan(5);
    expect(routes.some((r) => r.method === 'POST' && r.path === '/v3/messages')).toBe(true);
  });

  it('refuses every route with the wrong credential, with the right code, changing nothing', async () => {
    const revokedUser = V.carol;
    const revoked = await vrest.post<{ data: { authToken: string } }>(
      `/users/${revokedUser}/auth_tokens`,
      {},
    );
    const revokedToken = revoked.body.data.authToken;
    expect((await vrest.delete(`/users/${revokedUser}/auth_tokens/${revokedToken}`)).status).toBe(
      200,
    );
    const deactivatedToken = (
      await vrest.post<{ data: { authToken: string } }>(`/users/${V.dave}/auth_tokens`, {})
    ).body.data.authToken;
    expect((await vrest.delete('/users', { uidsToDeactivate: [V.dave] })).status).toBe(200);
    const base = { appid: victim.appId };
    // Deactivation reaches identity by an event; wait until it is known. A deactivated user
    // behaves as not found everywhere, their own sessions included.
    await eventually(async () => {
      const res = await http('GET', `${vrest.gateway}/v3/users`, {
        headers: { ...base, authtoken: deactivatedToken },
      });
      expect(code(res)).toBe('ERR_UID_NOT_FOUND');
    }, EVENTS_ARRIVE_MS);
    const before = await snapshot(vrest);

    /** Per credential: the headers, and the refusal expected on a route (or null: allowed). */
    const cases: Array<{
      name: string;
      headers: Record<string, string>;
      expect: (r: Route) => [number, string] | null;
    }> = [
      {
        name: 'no credential',
        headers: base,
        expect: (r) =>
          r.credential === 'admin' ? [403, 'AUTH_ERR_NO_ACCESS'] : [401, 'AUTH_ERR_EMPTY_APIKEY'],
      },
      {
        name: "another app's REST key",
        headers: { ...base, apikey: attacker.restKey },
        expect: (r) =>
          r.credential === 'admin'
            ? [403, 'AUTH_ERR_NO_ACCESS']
            : [401, 'AUTH_ERR_APIKEY_NOT_FOUND'],
      },
      {
        name: "another app's auth token",
        headers: { appid: victim.appId, authtoken: 'x'.repeat(40) },
        expect: (r) =>
          r.credential === 'admin'
            ? [403, 'AUTH_ERR_NO_ACCESS']
            : [401, 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND'],
      },
      {
        name: 'the REST key on the operator API',
        headers: { ...base, apikey: victim.restKey },
        expect: (r) => (r.credential === 'admin' ? [403, 'AUTH_ERR_NO_ACCESS'] : null),
      },
      {
        name: 'an auth-only key',
        headers: { ...base, apikey: victim.authKey },
        expect: (r) =>
          r.credential === 'public' ||
          (Array.isArray(r.credential) && r.credential.includes('authOnly'))
            ? null
            : [403, 'AUTH_ERR_NO_ACCESS'],
      },
      {
        name: "a user's auth token",
        headers: { ...base, authtoken: aliceToken },
        expect: (r) =>
          r.credential === 'public' ||
          (Array.isArray(r.credential) && r.credential.includes('user'))
            ? null
            : [403, 'AUTH_ERR_NO_ACCESS'],
      },
      {
        name: 'a revoked auth token',
        headers: { ...base, authtoken: revokedToken },
        expect: (r) =>
          r.credential === 'admin'
            ? [403, 'AUTH_ERR_NO_ACCESS']
            : [401, 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND'],
      },
      {
        name: "a deactivated user's auth token",
        headers: { ...base, authtoken: deactivatedToken },
        expect: (r) =>
          r.credential === 'admin' ? [403, 'AUTH_ERR_NO_ACCESS'] : [404, 'ERR_UID_NOT_FOUND'],
      },
    ];

    const wrong: string[] = [];
    let tried = 0;
    for (const c of cases) {
      for (const route of routes) {
        const expected = c.expect(route);
        if (!expected) continue;
        tried += 1;
        const url = `${vrest.gateway}${fill(route.path, ids)}`;
        const res = await call(route, url, c.headers, { uid: V.bob, name: 'changed' });
        const got = [res.status, res.body?.error?.code];
        if (got[0] !== expected[0] || got[1] !== expected[1])
          wrong.push(`${c.name}: ${describeReply(route, res)}, expected ${expected.join(' ')}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThan(routes.length * 4);
    expect(await snapshot(vrest)).toEqual(before);
  }, 180_000);

  it("never shows one app's data to another, whatever ids it guesses", async () => {
    const before = await snapshot(vrest);
    const arest = AppClient.rest(attacker);
    const eveToken = (
      await arest.post<{ data: { authToken: string } }>('/users/eve/auth_tokens', {})
    ).body.data.authToken;
    const secrets = [
      V.alice,
      V.bob,
      V.carol,
      V.dave,
      V.mod,
      V.team,
      V.aliceName,
      V.teamName,
      V.secretText,
      V.dmText,
      victim.restKey,
      victim.authKey,
      aliceToken,
    ];
    const credentials: Array<[string, Record<string, string>, Kind]> = [
      ['REST key', { appid: attacker.appId, apikey: attacker.restKey }, 'fullAccess'],
      [
        'REST key on behalf of a user',
        { appid: attacker.appId, apikey: attacker.restKey, onbehalfof: 'eve' },
        'fullAccess',
      ],
      ['user token', { appid: attacker.appId, authtoken: eveToken }, 'user'],
    ];
    // Bodies naming the victim's ids, as a guessing attacker would send them.
    const guess = {
      uid: V.alice,
      guid: V.team,
      receiver: V.alice,
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: { text: 'guess' },
      participants: [V.alice],
      blockedUids: [V.alice],
      accepted: [V.alice],
      uids: [V.alice],
      messageId: ids.id,
    };
    const leaks: string[] = [];
    for (const [name, headers, kind] of credentials) {
      for (const route of routes) {
        if (!Array.isArray(route.credential) || !route.credential.includes(kind)) continue;
        // the attacker's own destructive acts on its own app are not what this test is about
        if (route.method === 'DELETE' && route.path === '/v3/me') continue;
        const url = `${vrest.gateway}${fill(route.path, ids)}`;
        const res = await call(route, url, headers, route.method === 'POST' ? {} : guess);
        const asked = `${url} ${JSON.stringify(guess)}`;
        const body = JSON.stringify(res.body ?? '');
        const shown = secrets.filter((s) => body.includes(s) && !asked.includes(s));
        // a guessed id may be echoed in a not-found message, but never found
        const data = (res.body as { data?: unknown } | undefined)?.data;
        const found =
          res.status === 200 &&
          route.method === 'GET' &&
          route.path.includes('{') &&
          !(Array.isArray(data) && data.length === 0);
        if (res.status >= 500 || shown.length > 0 || found)
          leaks.push(`${name}: ${describeReply(route, res)} shows ${shown.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);

    // The guesses that matter most, with their exact answers.
    const eve = as(attacker, 'eve');
    const exact: Array<[Promise<Reply>, number, string]> = [
      [arest.get(`/users/${V.alice}`), 404, 'ERR_UID_NOT_FOUND'],
      [arest.get(`/groups/${V.team}`), 404, 'ERR_GUID_NOT_FOUND'],
      [arest.get(`/groups/${V.team}/members`), 404, 'ERR_GUID_NOT_FOUND'],
      [arest.get(`/groups/${V.team}/messages`), 404, 'ERR_GUID_NOT_FOUND'],
      [arest.get(`/messages/${ids.id}`), 404, 'ERR_MESSAGE_ID_NOT_FOUND'],
      [eve.post('/messages', text(V.alice, 'hello?')), 404, 'ERR_UID_NOT_FOUND'],
      [eve.post('/messages', toGroup(V.team, 'hello?')), 404, 'ERR_GUID_NOT_FOUND'],
      [
        eve.put(`/messages/${ids.id}`, { data: { text: 'mine now' } }),
        404,
        'ERR_MESSAGE_ID_NOT_FOUND',
      ],
      [eve.delete(`/messages/${ids.id}`), 404, 'ERR_MESSAGE_ID_NOT_FOUND'],
      [arest.get(`/users/${V.alice}/auth_tokens/${aliceToken}`), 404, 'ERR_UID_NOT_FOUND'],
      [arest.get(`/apikeys/${victim.restKey}`), 404, 'ERR_APIKEY_NOT_FOUND'],
    ];
    const got = [];
    for (const [p, status, c] of exact) {
      const res = await p;
      got.push([res.status, code(res), '<-', status, c]);
    }
    expect(got.filter((g) => g[0] !== g[3] || g[1] !== g[4])).toEqual([]);
    // Listing the attacker's own app shows none of the victim's.
    for (const p of ['/users', '/groups', '/messages', '/conversations']) {
      const body = JSON.stringify((await arest.get(p)).body);
      expect(secrets.filter((s) => body.includes(s))).toEqual([]);
    }
    expect(await snapshot(vrest)).toEqual(before);
  }, 120_000);

  describe('group rules', () => {
    it('refuses non-members, banned and kicked members on the group, changing nothing', async () => {
      const team = `rules-${tag}`;
      const admin = as(victim, V.alice);
      const [outsider, banned, kicked] = ['out', 'ban', 'kick'].map((p) => `${p}-${tag}`);
      for (const uid of [outsider, banned, kicked])
        expect((await vrest.post('/users', { uid, name: uid })).status).toBe(200);
      expect(
        (
          await admin.post('/groups', {
            guid: team,
            name: 'Rules',
            type: 'public',
            members: { participants: [V.bob, banned, kicked] },
          })
        ).status,
      ).toBe(200);
      expect((await admin.post('/messages', toGroup(team, 'members only'))).status).toBe(200);
      expect((await admin.post(`/groups/${team}/bannedusers/${banned}`, {})).status).toBe(200);
      const kick = await admin.delete(`/groups/${team}/members/${kicked}`);
      expect([kick.status, kick.body]).toEqual([200, expect.anything()]);
      // the kick's action message is stored from its event: wait for it before comparing
      await eventually(async () => {
        const res = await vrest.get(`/groups/${team}/messages?limit=100`);
        expect(JSON.stringify(res.body)).toContain('"kicked"');
      }, EVENTS_ARRIVE_MS);
      const before = {
        messages: (await vrest.get(`/groups/${team}/messages?limit=100`)).body,
        members: (await vrest.get(`/groups/${team}/members?perPage=100`)).body,
      };
      const who: Array<[string, string, string]> = [
        ['non-member', outsider, 'ERR_NOT_A_MEMBER'],
        ['banned member', banned, 'ERR_BANNED_GROUPMEMBER'],
        ['kicked member', kicked, 'ERR_NOT_A_MEMBER'],
      ];
      const wrong: unknown[] = [];
      for (const [label, uid, sendCode] of who) {
        const client = as(victim, uid);
        const checks: Array<[string, Reply, number, string]> = [
          ['messages', await client.get(`/groups/${team}/messages`), 403, 'ERR_GROUP_NOT_JOINED'],
          ['members', await client.get(`/groups/${team}/members`), 403, 'ERR_GROUP_NOT_JOINED'],
          ['send', await client.post('/messages', toGroup(team, 'let me in')), 403, sendCode],
          [
            'conversation',
            await client.get(`/groups/${team}/conversation`),
            403,
            'ERR_GROUP_NOT_JOINED',
          ],
        ];
        for (const [what, res, status, c] of checks) {
          if (res.status !== status || code(res) !== c)
            wrong.push(`${label} ${what}: ${res.status} ${code(res)}, expected ${status} ${c}`);
          if (JSON.stringify(res.body).includes('members only'))
            wrong.push(`${label} ${what} shows a message`);
        }
      }
      expect(wrong).toEqual([]);
      expect({
        messages: (await vrest.get(`/groups/${team}/messages?limit=100`)).body,
        members: (await vrest.get(`/groups/${team}/members?perPage=100`)).body,
      }).toEqual(JSON.parse(JSON.stringify(before)) as unknown);
    });

    it("refuses a participant doing a moderator's acts, changing nothing", async () => {
      const team = `mods-${tag}`;
      const owner = as(victim, V.alice);
      expect(
        (
          await owner.post('/groups', {
            guid: team,
            name: 'Mods',
            type: 'public',
            members: { participants: [V.bob, V.carol] },
          })
        ).status,
      ).toBe(200);
      const carolMsg = await as(victim, V.carol).post<One>(
        '/messages',
        toGroup(team, 'carol says'),
      );
      expect(carolMsg.status).toBe(200);
      const snap = async () => ({
        members: (await vrest.get(`/groups/${team}/members?perPage=100`)).body,
        banned: (await vrest.get(`/groups/${team}/bannedusers`)).body,
        message: (await vrest.get(`/messages/${carolMsg.body.data.id}`)).body,
        group: (await vrest.get(`/groups/${team}`)).body,
      });
      const before = await snap();
      const bob = as(victim, V.bob);
      const id = carolMsg.body.data.id;
      const acts: Array<[string, Promise<Reply>, number, string]> = [
        [
          'kick',
          bob.delete(`/groups/${team}/members/${V.carol}`),
          403,
          'ERR_GROUP_NO_MODERATOR_SCOPE',
        ],
        [
          'ban',
          bob.post(`/groups/${team}/bannedusers/${V.carol}`, {}),
          403,
          'ERR_GROUP_NO_MODERATOR_SCOPE',
        ],
        [
          'scope change',
          bob.put(`/groups/${team}/members/${V.carol}`, { scope: 'moderator' }),
          403,
          'ERR_GROUP_NO_MODERATOR_SCOPE',
        ],
        [
          'own scope change',
          bob.put(`/groups/${team}/members/${V.bob}`, { scope: 'admin' }),
          403,
          'ERR_GROUP_NO_SELF_ACTION',
        ],
        [
          'group update',
          bob.put(`/groups/${team}`, { name: 'Taken' }),
          403,
          'ERR_GROUP_NO_MODERATOR_SCOPE',
        ],
        ['group delete', bob.delete(`/groups/${team}`), 403, 'ERR_GROUP_NO_ADMIN_SCOPE'],
        [
          'add members',
          bob.post(`/groups/${team}/members`, { participants: [V.dave] }),
          403,
          'ERR_GROUP_NO_ADMIN_SCOPE',
        ],
        [
          'edit a message',
          bob.put(`/messages/${id}`, { data: { text: 'bob was here' } }),
          403,
          'ERR_MESSAGE_NOT_A_SENDER',
        ],
        ['delete a message', bob.delete(`/messages/${id}`), 403, 'ERR_MESSAGE_NOT_A_SENDER'],
      ];
      const got: unknown[] = [];
      for (const [what, p, status, c] of acts) {
        const res = await p;
        if (res.status !== status || code(res) !== c)
          got.push(`${what}: ${res.status} ${code(res)}, expected ${status} ${c}`);
      }
      expect(got).toEqual([]);
      expect(await snap()).toEqual(before);
    });
  });

  describe('WebSocket', () => {
    it('delivers no frame of another app or of a group the user is not in', async () => {
      const gw = gateways()[0];
      const appA = await createApp('ws victim');
      const appB = await createApp('ws attacker');
      // The same uids in both apps: only the app tells them apart.
      const alice = await login(appA, 'alice');
      await login(appB, 'alice');
      for (const app of [appA, appB])
        for (const uid of ['bob', 'carol'])
          await AppClient.rest(app).post('/users', { uid, name: `User ${uid}` });
      expect(
        (await as(appA, 'bob').post('/groups', { guid: 'closed', name: 'Closed', type: 'public' }))
          .status,
      ).toBe(200);
      expect(
        (
          await as(appB, 'bob').post('/groups', {
            guid: 'closed',
            name: 'Closed',
            type: 'public',
            members: { participants: ['alice'] },
          })
        ).status,
      ).toBe(200);
      const socket = await TestSocket.authenticated(gw, alice, appA.appId, 'dev-1');
      try {
        await socket.roundTrip();
        const foreign = `foreign ${tag}`;
        expect((await as(appB, 'bob').post('/messages', text('alice', foreign))).status).toBe(200);
        expect((await as(appB, 'bob').post('/messages', toGroup('closed', foreign))).status).toBe(
          200,
        );
        expect((await as(appA, 'bob').post('/messages', toGroup('closed', foreign))).status).toBe(
          200,
        );
        // A message that is hers arrives; the ones sent before it (same sender, same stream) did not.
        const mine = `mine ${tag}`;
        expect((await as(appA, 'carol').post('/messages', text('alice', mine))).status).toBe(200);
        await socket.next((f) => JSON.stringify(f).includes(mine));
        await socket.roundTrip();
        const seen = JSON.stringify(socket.frames);
        expect(seen).not.toContain(foreign);
        expect(seen).not.toContain(appB.appId);

        // Typing into a group she is not in reaches none of its members; to bob it does.
        const bob = await login(appA, 'bob');
        const bobSocket = await TestSocket.authenticated(gw, bob, appA.appId, 'bob-1');
        try {
          const typing = (receiver: string, receiverType: string, field: string) => ({
            appId: appA.appId,
            type: 'typing_indicator',
            receiver,
            receiverType,
            body: { action: 'started', metadata: { field } },
          });
          socket.send(typing('closed', 'group', 'intrusion'));
          socket.send(typing('bob', 'user', 'marker'));
          await bobSocket.next((f) => JSON.stringify(f).includes('marker'));
          expect(JSON.stringify(bobSocket.frames)).not.toContain('intrusion');
        } finally {
          bobSocket.close();
        }
      } finally {
        socket.close();
      }
    });

    it("refuses an auth frame with another app's JWT, or another user's uid", async () => {
      const gw = gateways()[0];
      const appA = await createApp('ws a');
      const appB = await createApp('ws b');
      // the same uid in both apps: only the app in the JWT tells them apart
      const inB = await login(appB, 'alice');
      const inA = await login(appA, 'alice');
      await login(appA, 'bob');
      const attempts: Array<[string, string, string]> = [
        ["B's JWT for app A", inB.jwt, appA.appId],
        ["A's JWT for app B", inA.jwt, appB.appId],
      ];
      for (const [what, jwt, appId] of attempts) {
        const socket = await TestSocket.open(gw);
        try {
          const answer = await socket.auth(jwt, appId, 'alice', 'dev-x');
          expect([what, answer]).toMatchObject([what, { body: { status: 'ERROR', code: '401' } }]);
          expect((await socket.closedWithin()).code).toBe(4401);
        } finally {
          socket.close();
        }
      }
      // alice's JWT naming bob as the sender acts as alice or is refused, never as bob
      const socket = await TestSocket.open(gw);
      try {
        const answer = await socket.auth(inA.jwt, appA.appId, 'bob', 'dev-y');
        if ((answer.body as { status?: string }).status === 'OK') {
          // carol writes to bob, then to alice: the socket gets alice's and never bob's
          await AppClient.rest(appA).post('/users', { uid: 'carol', name: 'Carol' });
          const carol = as(appA, 'carol');
          const secret = `for bob only ${tag}`;
          const marker = `for alice ${tag}`;
          expect((await carol.post('/messages', text('bob', secret))).status).toBe(200);
          expect((await carol.post('/messages', text('alice', marker))).status).toBe(200);
          await socket.next((f) => JSON.stringify(f).includes(marker));
          expect(JSON.stringify(socket.frames)).not.toContain(secret);
        } else {
          expect(answer).toMatchObject({ body: { status: 'ERROR' } });
        }
      } finally {
        socket.close();
      }
    });
  });
});
