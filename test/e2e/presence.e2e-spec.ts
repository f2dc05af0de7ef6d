import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { AppClient, createApp, eventually, gateways, http } from './support/parley';
import { Frame, login, Login, PresenceChoice, TestSocket } from './support/realtime-client';

/**
 * Presence (ARCHITECTURE.md §7, realtime reference §5): online from a user's first socket to their
 * last, on any gateway; `presence` frames to the sockets that follow that user (all users, roles,
 * friends); the users list `status` filter and `status`/`lastActiveAt` on reads; and a gateway
 * killed outright takes its users offline within the presence TTL (3 s on the test platform).
 */

jest.setTimeout(30_000);

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.ws.terminate();
});
const connect = async (
  url: string,
  who: Login,
  appId: string,
  device: string,
  p?: PresenceChoice,
) => {
  const s = await TestSocket.authenticated(url, who, appId, device, undefined, p);
  sockets.push(s);
  return s;
};

type PresenceBody = {
  action: string;
  user: { uid: string; name?: string; status?: string };
  timestamp: number;
};
const presenceOf = (uid: string, action?: string) => (f: Frame) =>
  f.type === 'presence' &&
  (f.body as PresenceBody).user.uid === uid &&
  (action === undefined || (f.body as PresenceBody).action === action);
const heardAbout = (s: TestSocket, uid: string) =>
  s.frames.filter(presenceOf(uid)).map((f) => (f.body as PresenceBody).action);

type UserReply = { data: { uid: string; status: string; lastActiveAt?: number } };
type ListReply = { data: Array<{ uid: string; status: string }> };

/** Waits until the REST API says `uid` is `status` (presence has handled the socket report). */
async function statusIs(rest: AppClient, uid: string, status: 'available' | 'offline') {
  await eventually(async () => {
    const res = await rest.get<UserReply>(`/users/${uid}`);
    expect(res.body.data.status).toBe(status);
  });
}

describe('presence', () => {
  it('sends online and offline across gateways, offline only when the last socket closes', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const [g1, g2] = gateways();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const carol = await login(app, 'carol');
    const watcher = await connect(g1, alice, app.appId, 'alice-1');

    const bobTab = await connect(g2, bob, app.appId, 'bob-1');
    const online = await watcher.next(presenceOf('bob', 'online'));
    expect(online).toMatchObject({
      appId: app.appId,
      type: 'presence',
      sender: 'bob',
      body: {
        action: 'online',
        user: { uid: 'bob', name: 'User bob', status: 'available' },
        timestamp: expect.any(Number),
      },
    });
    const bobPhone = await connect(g1, bob, app.appId, 'bob-2');
    await statusIs(rest, 'bob', 'available');

    bobTab.close();
    await bobTab.closed;
    bobPhone.close();
    await watcher.next(presenceOf('bob', 'offline'));
    // carol comes and goes after bob: once her offline is in, any second frame about bob would be.
    const carolTab = await connect(g2, carol, app.appId, 'carol-1');
    carolTab.close();
    await watcher.next(presenceOf('carol', 'offline'));
    expect(heardAbout(watcher, 'bob')).toEqual(['online', 'offline']);
    // Nobody hears about themselves.
    expect(heardAbout(watcher, 'alice')).toEqual([]);
  });

  it('filters the users list by status and shows status and lastActiveAt on reads', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const alice = await login(app, 'alice');
    await login(app, 'bob');
    const before = Math.floor(Date.now() / 1000);
    const socket = await connect(gateways()[1], alice, app.appId, 'alice-1');
    await statusIs(rest, 'alice', 'available');

    const uids = async (query: string) =>
      (await rest.get<ListReply>(`/users?${query}`)).body.data.map((u) => u.uid);
    expect(await uids('status=available')).toEqual(['alice']);
    expect(await uids('status=online')).toEqual(['alice']);
    expect(await uids('status=offline')).toEqual(['bob']);
    const listed = (await rest.get<ListReply>('/users')).body.data;
    expect(listed.map((u) => [u.uid, u.status])).toEqual([
      ['alice', 'available'],
      ['bob', 'offline'],
    ]);
    const read = (await rest.get<UserReply>('/users/alice')).body.data;
    expect(read.lastActiveAt).toBeGreaterThanOrEqual(before);
    // A user's own token (the SDK's GET /v3.0/users/{uid}) sees it too.
    const asBob = await http<UserReply>('GET', `${gateways()[0]}/v3.0/users/alice`, {
      headers: { appid: app.appId, authtoken: (await login(app, 'bob')).authToken },
    });
    expect(asBob.body.data).toMatchObject({ status: 'available', lastActiveAt: read.lastActiveAt });

    // Group member lists too.
    const created = await rest.post('/groups', {
      guid: 'crew',
      name: 'Crew',
      type: 'public',
      members: { participants: ['alice', 'bob'] },
    });
    expect(created.status).toBe(200);
    const members = async (query: string) =>
      (await rest.get<ListReply>(`/groups/crew/members?${query}`)).body.data.map((m) => [
        m.uid,
        m.status,
      ]);
    expect(await members('status=available')).toEqual([['alice', 'available']]);
    expect(await members('status=offline')).toEqual([['bob', 'offline']]);
    expect(await members('')).toEqual([
      ['alice', 'available'],
      ['bob', 'offline'],
    ]);

    socket.close();
    await statusIs(rest, 'alice', 'offline');
    expect(await uids('status=available')).toEqual([]);
    expect(
      (await rest.get<UserReply>('/users/alice')).body.data.lastActiveAt,
    ).toBeGreaterThanOrEqual(read.lastActiveAt as number);
  });

  it('gives a ROLES socket only the users of its roles', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    expect((await rest.post('/roles', { role: 'vip', name: 'VIP' })).status).toBe(200);
    expect((await rest.post('/users', { uid: 'bob', name: 'Bob', role: 'vip' })).status).toBe(200);
    const [g1, g2] = gateways();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const carol = await login(app, 'carol');
    const watcher = await connect(g1, alice, app.appId, 'alice-1', {
      presenceSubscription: 'ROLES',
      roles: ['vip'],
    });
    // dave sees everyone: once he has carol's frame, it went out before bob's will.
    const observer = await connect(g2, await login(app, 'dave'), app.appId, 'dave-1');
    await connect(g2, carol, app.appId, 'carol-1');
    await observer.next(presenceOf('carol', 'online'));
    await connect(g2, bob, app.appId, 'bob-1');
    await watcher.next(presenceOf('bob', 'online'));
    expect(heardAbout(watcher, 'carol')).toEqual([]);
  });

  it('gives a FRIENDS socket its friends, and follows a new friendship', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const [g1, g2] = gateways();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const carol = await login(app, 'carol');
    expect((await rest.post('/users/alice/friends', { accepted: ['bob'] })).status).toBe(200);
    const watcher = await connect(g1, alice, app.appId, 'alice-1', {
      presenceSubscription: 'FRIENDS',
    });
    const observer = await connect(g2, await login(app, 'dave'), app.appId, 'dave-1');
    const carolTab = await connect(g2, carol, app.appId, 'carol-1');
    await observer.next(presenceOf('carol', 'online'));
    await connect(g2, bob, app.appId, 'bob-1');
    await watcher.next(presenceOf('bob', 'online'));
    expect(heardAbout(watcher, 'carol')).toEqual([]);
    carolTab.close();
    await observer.next(presenceOf('carol', 'offline'));

    // carol becomes a friend while alice is connected: her next change reaches alice.
    expect((await rest.post('/users/carol/friends', { accepted: ['alice'] })).status).toBe(200);
    await eventually(async () => {
      const tab = await connect(g2, carol, app.appId, `carol-${Date.now()}`);
      tab.close();
      await watcher.next(presenceOf('carol', 'online'), 500);
    });
  });

  it('takes the users of a killed gateway offline within the TTL', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const watcher = await connect(gateways()[0], alice, app.appId, 'alice-1');
    const doomed = await startGateway();
    try {
      const bobTab = await connect(doomed.url, bob, app.appId, 'bob-1');
      await watcher.next(presenceOf('bob', 'online'));
      doomed.child.kill('SIGKILL');
      await bobTab.closed;
      // No close was reported: only the missing heartbeats (TTL 3 s) take bob offline.
      await watcher.next(presenceOf('bob', 'offline'), 15_000);
      expect((await rest.get<UserReply>('/users/bob')).body.data.status).toBe('offline');
    } finally {
      doomed.child.kill('SIGKILL');
    }
  });
});

/** A third gateway of the test platform, of this test's own, to kill. */
async function startGateway(): Promise<{ url: string; child: ChildProcess }> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/gateway/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      SERVICE_NAME: 'gateway',
      PARLEY_ADMIN_KEY: process.env.PARLEY_E2E_ADMIN_KEY,
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    const res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(200);
  }, 20_000);
  return { url, child };
}
