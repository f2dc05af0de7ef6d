import { NatsConnection } from 'nats';
import { adminKey, AppClient, createApp, gateways, http } from './support/parley';
import { login, natsPublisher, publishFrame, TestSocket } from './support/realtime-client';

/**
 * The WebSocket (ARCHITECTURE.md §7, realtime reference §5) on both gateways: auth with the JWT
 * from PUT /v3.0/me, ping/pong, bad frames, and delivery of what producers publish on
 * `deliver.<appId>.u.<uid>` and `deliver.<appId>.g.<guid>`.
 */

// Whole-platform tests wait on real services and events (Jest's default is 5 s).
jest.setTimeout(30_000);

let nc: NatsConnection;
beforeAll(async () => {
  nc = await natsPublisher();
});
afterAll(async () => {
  await nc.close();
});

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.ws.terminate();
});
/** Sockets opened through these are closed after each test. */
const track = <T extends TestSocket>(s: T) => (sockets.push(s), s);
const connect = async (...args: Parameters<typeof TestSocket.authenticated>) =>
  track(await TestSocket.authenticated(...args));

/** A message frame as messaging publishes it. */
const messageFrame = (appId: string, receiver: string, text: string, deviceId?: string) => ({
  appId,
  type: 'message',
  sender: 'someone',
  receiver,
  receiverType: 'user',
  ...(deviceId && { deviceId }),
  body: { id: '101', category: 'message', type: 'text', data: { text }, seq: 1 },
});
const textOf = (f: { body?: unknown }) => (f.body as { data?: { text?: string } }).data?.text;
const withText = (text: string) => (f: { type?: string; body?: unknown }) =>
  f.type === 'message' && textOf(f) === text;

describe('WebSocket', () => {
  describe('auth', () => {
    it('accepts the JWT from PUT /v3.0/me on / and on /ws, on both gateways', async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      for (const g of gateways()) {
        for (const path of ['', '/ws']) {
          const socket = track(await TestSocket.open(`${g}${path}`));
          const answer = await socket.auth(alice.jwt, app.appId, 'alice', 'session-1');
          expect(answer).toMatchObject({ type: 'auth', body: { status: 'OK', code: '200' } });
        }
      }
    });

    it('refuses an upgrade on another path', async () => {
      await expect(TestSocket.open(`${gateways()[0]}/v3/users`)).rejects.toThrow('404');
    });

    it.each([
      ['a JWT that is not one', () => 'not-a-jwt'],
      ['a forged signature', (jwt: string) => `${jwt.slice(0, -4)}AAAA`],
      [
        'a changed payload',
        (jwt: string) => {
          const [h, p, s] = jwt.split('.');
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
          const forged = Buffer.from(JSON.stringify({ ...claims, uid: 'mallory' })).toString(
            'base64url',
          );
          return `${h}.${forged}.${s}`;
        },
      ],
    ])('refuses %s with an auth error frame and closes 4401', async (_case, tamper) => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const socket = track(await TestSocket.open(gateways()[0]));
      const answer = await socket.auth(tamper(alice.jwt), app.appId, 'alice', 's1');
      expect(answer).toMatchObject({
        type: 'auth',
        body: { status: 'ERROR', code: '401', error: { code: 'AUTH_ERR_INVALID_JWT' } },
      });
      expect((await socket.closedWithin()).code).toBe(4401);
    });

    it('refuses a JWT presented for another app', async () => {
      const app = await createApp();
      const other = await createApp();
      const alice = await login(app, 'alice');
      const socket = track(await TestSocket.open(gateways()[0]));
      const answer = await socket.auth(alice.jwt, other.appId, 'alice', 's1');
      expect(answer).toMatchObject({ body: { status: 'ERROR', code: '401' } });
      expect((await socket.closedWithin()).code).toBe(4401);
    });

    it('answers ping with pong before auth, and refuses any other frame before it', async () => {
      const socket = track(await TestSocket.open(gateways()[1]));
      await socket.roundTrip();
      socket.send({ type: 'typing_indicator', body: { action: 'started' } });
      const error = await socket.next((f) => f.type === 'error');
      expect(error.body).toEqual({
        error: { code: 'AUTH_ERR_NO_ACCESS', message: expect.any(String) },
      });
      expect((await socket.closedWithin()).code).toBe(4401);
    });
  });

  describe('revocation', () => {
    it('closes open sockets of a deleted token on both gateways, and refuses its JWT afterwards', async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const keep = await login(app, 'alice'); // another device of alice
      const [g1, g2] = gateways();
      const s1 = await connect(g1, alice, app.appId, 's1');
      const s2 = await connect(g2, alice, app.appId, 's2');
      const other = await connect(g2, keep, app.appId, 's3');

      const rest = AppClient.rest(app);
      expect((await rest.delete(`/users/alice/auth_tokens/${alice.authToken}`)).status).toBe(200);
      expect((await s1.closedWithin()).code).toBe(4401);
      expect((await s2.closedWithin()).code).toBe(4401);
      await other.roundTrip(); // the other device's token still stands

      const again = track(await TestSocket.open(g1));
      const answer = await again.auth(alice.jwt, app.appId, 'alice', 's4');
      expect(answer).toMatchObject({
        body: { status: 'ERROR', error: { code: 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND' } },
      });
      expect((await again.closedWithin()).code).toBe(4401);
    });

    it('closes the sockets of a user logging out with DELETE /v3.0/me', async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const socket = await connect(gateways()[1], alice, app.appId, 's1');
      const out = await http('DELETE', `${gateways()[0]}/v3.0/me`, {
        headers: { appid: app.appId, authtoken: alice.authToken },
      });
      expect(out.status).toBe(200);
      expect((await socket.closedWithin()).code).toBe(4401);
    });

    it('closes the sockets of a deactivated user', async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const socket = await connect(gateways()[0], alice, app.appId, 's1');
      const res = await AppClient.rest(app).delete('/users', { uidsToDeactivate: ['alice'] });
      expect(res.status).toBe(200);
      expect((await socket.closedWithin(10_000)).code).toBe(4401);

      const again = track(await TestSocket.open(gateways()[1]));
      const answer = await again.auth(alice.jwt, app.appId, 'alice', 's2');
      expect(answer).toMatchObject({
        body: { status: 'ERROR', error: { code: 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND' } },
      });
    });

    it('closes every socket of a deleted app', async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const bob = await login(app, 'bob');
      const a = await connect(gateways()[0], alice, app.appId, 's1');
      const b = await connect(gateways()[1], bob, app.appId, 's2');
      const res = await http('DELETE', `${gateways()[0]}/admin/apps/${app.appId}`, {
        headers: { 'x-admin-key': adminKey() },
      });
      expect(res.status).toBe(200);
      expect((await a.closedWithin()).code).toBe(4401);
      expect((await b.closedWithin()).code).toBe(4401);
    });
  });

  describe('bad frames', () => {
    it('closes a socket that sends invalid JSON (4400) or an oversized frame (1009), no other', async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const g = gateways()[0];
      const bystander = await connect(g, alice, app.appId, 's0');
      const badJson = await connect(g, alice, app.appId, 's1');
      const tooBig = await connect(g, alice, app.appId, 's2');
      const early = track(await TestSocket.open(g)); // not yet authenticated

      badJson.send('{"action":');
      tooBig.send(JSON.stringify({ action: 'ping', pad: 'x'.repeat(70 * 1024) }));
      early.send('][');
      expect((await badJson.closedWithin()).code).toBe(4400);
      expect((await tooBig.closedWithin()).code).toBe(1009);
      expect((await early.closedWithin()).code).toBe(4400);

      await bystander.roundTrip();
      await publishFrame(
        nc,
        `deliver.${app.appId}.u.alice`,
        messageFrame(app.appId, 'alice', 'ok'),
      );
      await bystander.next(withText('ok'));
    });
  });

  describe('delivery', () => {
    it("reaches all of a user's sockets on both gateways except the one whose session caused it", async () => {
      const app = await createApp();
      const alice = await login(app, 'alice');
      const bob = await login(app, 'bob');
      const [g1, g2] = gateways();
      const tab1 = await connect(g1, alice, app.appId, 'WEB-4_2_0-tab1');
      const tab2 = await connect(g2, alice, app.appId, 'WEB-4_2_0-tab2');
      const phone = await connect(g1, alice, app.appId, 'ANDROID-phone');
      const bobs = await connect(g2, bob, app.appId, 'WEB-4_2_0-tab1'); // same session id, other user

      const subject = `deliver.${app.appId}.u.alice`;
      const sent = messageFrame(app.appId, 'alice', 'hello', 'WEB-4_2_0-tab1');
      await publishFrame(nc, subject, sent);
      await publishFrame(nc, subject, messageFrame(app.appId, 'alice', 'marker'));

      for (const s of [tab2, phone]) {
        expect(await s.next(withText('hello'))).toEqual(sent); // forwarded as published
        await s.next(withText('marker'));
      }
      // Frames from one publisher arrive in order: once the marker is in, "hello" never will be.
      await tab1.next(withText('marker'));
      expect(tab1.frames.filter(withText('hello'))).toEqual([]);
      await bobs.roundTrip();
      expect(bobs.frames.filter((f) => f.type === 'message')).toEqual([]);
    });

    it("reaches the sockets of a group's members, and follows joins and kicks", async () => {
      const app = await createApp();
      const rest = AppClient.rest(app);
      const carol = await login(app, 'carol');
      const dave = await login(app, 'dave');
      const created = await rest.post('/groups', {
        guid: 'crew',
        name: 'Crew',
        type: 'public',
        members: { participants: ['carol'] },
      });
      expect(created.status).toBe(200);
      const [g1, g2] = gateways();
      const carolSockets = [
        await connect(g1, carol, app.appId, 'c1'),
        await connect(g2, carol, app.appId, 'c2'),
      ];
      const daveSocket = await connect(g2, dave, app.appId, 'd1');

      const group = `deliver.${app.appId}.g.crew`;
      const groupFrame = (text: string) => ({
        ...messageFrame(app.appId, 'crew', text),
        receiverType: 'group',
      });
      await publishFrame(nc, group, groupFrame('hi crew'));
      for (const s of carolSockets) await s.next(withText('hi crew'));

      // dave is added while connected: his socket follows the membership event.
      expect((await rest.post('/groups/crew/members', { participants: ['dave'] })).status).toBe(
        200,
      );
      await eventuallyReceives(daveSocket, group, groupFrame);

      // carol is kicked: her sockets stop receiving the group.
      expect((await rest.delete('/groups/crew/members/carol')).status).toBe(200);
      await eventuallyMissing(carolSockets, group, groupFrame, `deliver.${app.appId}.u.carol`);
    });
  });
});

let counter = 0;
/** Publishes numbered frames until one reaches `socket` (a subscription follows an event). */
async function eventuallyReceives(
  socket: TestSocket,
  subject: string,
  frame: (text: string) => unknown,
  timeoutMs = 5000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = `probe-${++counter}`;
    await publishFrame(nc, subject, frame(text));
    try {
      await socket.next(withText(text), 200);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/**
 * Waits until a frame on `subject` no longer reaches any of `sockets`: each round publishes a probe
 * there and then a marker on the user's own subject; the marker arriving without the probe shows
 * the group subscription is gone.
 */
async function eventuallyMissing(
  sockets: TestSocket[],
  subject: string,
  frame: (text: string) => unknown,
  userSubject: string,
  timeoutMs = 5000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = `probe-${++counter}`;
    const marker = `marker-${counter}`;
    await publishFrame(nc, subject, frame(probe));
    await publishFrame(nc, userSubject, frame(marker));
    for (const s of sockets) await s.next(withText(marker));
    if (sockets.every((s) => !s.frames.some(withText(probe)))) return;
    if (Date.now() > deadline) throw new Error(`${subject} still reaches the sockets`);
  }
}
