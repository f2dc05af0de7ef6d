import { AppClient, createApp, eventually, gateways } from './support/parley';
import { Frame, login, Login, PresenceChoice, TestSocket } from './support/realtime-client';

/**
 * A block hides presence both ways: neither user gets `presence` frames about the other, on any
 * gateway and whatever the subscription, and reads as offline to the other in user and member
 * lists; a block made or lifted while the sockets are open applies to the next change.
 */

jest.setTimeout(30_000);

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.ws.terminate();
});
const connect = async (url: string, who: Login, appId: string, p?: PresenceChoice) => {
  const s = await TestSocket.authenticated(
    url,
    who,
    appId,
    `${who.uid}-${Date.now()}`,
    undefined,
    p,
  );
  sockets.push(s);
  return s;
};

type PresenceBody = { action: string; user: { uid: string } };
const presenceOf = (uid: string, action?: string) => (f: Frame) =>
  f.type === 'presence' &&
  (f.body as PresenceBody).user.uid === uid &&
  (action === undefined || (f.body as PresenceBody).action === action);
const heardAbout = (s: TestSocket, uid: string) =>
  s.frames.filter(presenceOf(uid)).map((f) => (f.body as PresenceBody).action);

type UserRead = { uid: string; status: string; lastActiveAt?: number };

it('sends neither user presence frames about the other, and lists show them offline to each other', async () => {
  const app = await createApp();
  const rest = AppClient.rest(app);
  const [g1, g2] = gateways();
  const [alice, bob, carol, dave] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((uid) => login(app, uid)),
  );
  expect((await rest.post('/users/alice/blockedusers', { blockedUids: ['bob'] })).status).toBe(200);
  expect((await rest.post('/groups', { guid: 'team', name: 'Team', type: 'public' })).status).toBe(
    200,
  );
  const added = await rest.post('/groups/team/members', {
    participants: ['alice', 'bob', 'carol'],
  });
  expect(added.status).toBe(200);

  const aliceTab = await connect(g1, alice, app.appId);
  // dave hears everyone: once he has bob's frame, it went out before carol's will.
  const observer = await connect(g2, dave, app.appId);
  const bobTab = await connect(g2, bob, app.appId, { presenceSubscription: 'ALL_USERS' });
  await observer.next(presenceOf('bob', 'online'));
  const carolTab = await connect(g1, carol, app.appId);
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
  const blockedList = await asBob.get<{ data: UserRead[] }>('/blockedusers?direction=hasBlockedMe');
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
  const watcher = await connect(g1, carol, app.appId, { presenceSubscription: 'FRIENDS' });
  const observer = await connect(g2, frank, app.appId);
  let daveTab = await connect(g2, dave, app.appId);
  await watcher.next(presenceOf('dave', 'online'));
  /**
   * erin comes online and goes offline until carol hears it: every change frank heard before it
   * has reached carol's gateway.
   */
  const barrier = async () => {
    const before = heardAbout(watcher, 'erin').length;
    await eventually(async () => {
      const tab = await connect(g2, erin, app.appId);
      await observer.next(presenceOf('erin', 'online'));
      tab.close();
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
    daveTab = await connect(g2, dave, app.appId);
    daveTab.close();
    await watcher.next(
      (f) => presenceOf('dave')(f) && heardAbout(watcher, 'dave').length > heardBefore,
      1000,
    );
  }, 10_000);
});
