import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import {
  AppClient,
  createApp,
  eventually,
  gateways,
  http,
  itOnSeparateProcesses,
} from './support/parley';
import {
  heardAbout,
  login,
  Login,
  PresenceChoice,
  presenceOf,
  TestSocket,
} from './support/realtime-client';

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

  itOnSeparateProcesses('it starts and kills a gateway process of its own')(
    'takes the users of a killed gateway offline within the TTL',
    async () => {
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
    },
  );
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

/**
 * A block hides presence both ways: neither user gets `presence` frames about the other, on any
 * gateway and whatever the subscription, and reads as offline to the other in user and member
 * lists; a block made or lifted while the sockets are open applies to the next change.
 */
describe('presence and blocks', () => {
  let tabs = 0;
  const tab = (url: string, who: Login, appId: string, p?: PresenceChoice) =>
    connect(url, who, appId, `${who.uid}-${++tabs}`, p);

  type UserRead = { uid: string; status: string; lastActiveAt?: number };

  it('sends neither user presence frames about the other, and lists show them offline to each other', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const [g1, g2] = gateways();
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((uid) => login(app, uid)),
    );
    expect((await rest.post('/users/alice/blockedusers', { blockedUids: ['bob'] })).status).toBe(
      200,
    );
    expect(
      (await rest.post('/groups', { guid: 'team', name: 'Team', type: 'public' })).status,
    ).toBe(200);
    const added = await rest.post('/groups/team/members', {
      participants: ['alice', 'bob', 'carol'],
    });
    expect(added.status).toBe(200);

    const aliceTab = await tab(g1, alice, app.appId);
    // dave hears everyone: once he has bob's frame, it went out before carol's will.
    const observer = await tab(g2, dave, app.appId);
    const bobTab = await tab(g2, bob, app.appId, { presenceSubscription: 'ALL_USERS' });
    await observer.next(presenceOf('bob', 'online'));
    const carolTab = await tab(g1, carol, app.appId);
    await aliceTab.next(presenceOf('carol', 'online'));
    await bobTab.next(presenceOf('carol', 'online'));
    expect(heardAbout(aliceTab, 'bob')).toEqual([]);

    // Each reads the other as offline, without lastActiveAt; dave sees both online.
    const asBob = new AppClient(app.appId, { authtoken: bob.authToken }, g2);
    const asAlice = new AppClient(app.appId, { authtoken: alice.authToken });
    const asDave = new AppClient(app.appId, { authtoken: dave.authToken });
    const read = async (viewer: AppClient, uid: string) =>
      (await viewer.get<{ data: UserRead }>(`/users/${uid}`)).body.data;
    expect(await read(asBob, 'alice')).toEqual(expect.objectContaining({ status: 'offline' }));
    expect(await read(asBob, 'alice')).not.toHaveProperty('lastActiveAt');
    expect(await read(asAlice, 'bob')).toEqual(expect.objectContaining({ status: 'offline' }));
    expect(await read(asDave, 'alice')).toEqual(expect.objectContaining({ status: 'available' }));
    const online = async (viewer: AppClient, path: string) =>
      (await viewer.get<{ data: UserRead[] }>(path)).body.data.map((u) => u.uid).sort();
    expect(await online(asBob, '/users?status=available')).toEqual(['bob', 'carol', 'dave']);
    expect(await online(asBob, '/users?status=offline')).toContain('alice');
    expect(await online(asDave, '/users?status=available')).toEqual([
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
    expect(await online(asAlice, '/groups/team/members?status=available')).toEqual([
      'alice',
      'carol',
    ]);
    const members = (await asAlice.get<{ data: UserRead[] }>('/groups/team/members')).body.data;
    expect(members.find((m) => m.uid === 'bob')).toEqual(
      expect.objectContaining({ status: 'offline' }),
    );
    expect(members.find((m) => m.uid === 'bob')).not.toHaveProperty('lastActiveAt');
    const blockedList = await asBob.get<{ data: UserRead[] }>(
      '/blockedusers?direction=hasBlockedMe',
    );
    expect(blockedList.body.data.map((u) => [u.uid, u.status, u.lastActiveAt])).toEqual([
      ['alice', 'offline', undefined],
    ]);

    // alice goes offline: bob is not told; carol's change after it reaches him.
    aliceTab.close();
    await observer.next(presenceOf('alice', 'offline'));
    carolTab.close();
    await bobTab.next(presenceOf('carol', 'offline'));
    expect(heardAbout(bobTab, 'alice')).toEqual([]);
  });

  it('applies a block made, and lifted, while the sockets are open', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const [g1, g2] = gateways();
    const [carol, dave, erin, frank] = await Promise.all(
      ['carol', 'dave', 'erin', 'frank'].map((uid) => login(app, uid)),
    );
    expect((await rest.post('/users/carol/friends', { accepted: ['dave'] })).status).toBe(200);
    const watcher = await tab(g1, carol, app.appId, { presenceSubscription: 'FRIENDS' });
    const observer = await tab(g2, frank, app.appId);
    let daveTab = await tab(g2, dave, app.appId);
    await watcher.next(presenceOf('dave', 'online'));
    /**
     * erin comes online and goes offline until carol hears it: every change frank heard before it
     * has reached carol's gateway.
     */
    const barrier = async () => {
      const before = heardAbout(watcher, 'erin').length;
      await eventually(async () => {
        const erinTab = await tab(g2, erin, app.appId);
        await observer.next(presenceOf('erin', 'online'));
        erinTab.close();
        await watcher.next(
          (f) => presenceOf('erin')(f) && heardAbout(watcher, 'erin').length > before,
          1000,
        );
      }, 10_000);
    };

    // carol blocks dave while both are connected: his next change does not reach her.
    expect((await rest.post('/users/carol/blockedusers', { blockedUids: ['dave'] })).status).toBe(
      200,
    );
    // Blocks and friendships leave the users service in commit order: once carol hears erin, her
    // new friend, the block before that friendship has reached the gateway too.
    expect((await rest.post('/users/carol/friends', { accepted: ['erin'] })).status).toBe(200);
    await barrier();
    const heardBefore = heardAbout(watcher, 'dave').length;
    daveTab.close();
    await observer.next(presenceOf('dave', 'offline'));
    await barrier();
    expect(heardAbout(watcher, 'dave').length).toBe(heardBefore);

    // Lifted: his changes reach her again.
    expect((await rest.delete('/users/carol/blockedusers', { blockedUids: ['dave'] })).status).toBe(
      200,
    );
    await eventually(async () => {
      daveTab = await tab(g2, dave, app.appId);
      daveTab.close();
      await watcher.next(
        (f) => presenceOf('dave')(f) && heardAbout(watcher, 'dave').length > heardBefore,
        1000,
      );
    }, 10_000);
  });
});
