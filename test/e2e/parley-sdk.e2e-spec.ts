import { FetchLike, Message, ParleyClient, textMessage } from '@parley/sdk';
import { transform } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import WebSocket from 'ws';
import { text } from './support/messaging-world';
import { createApp, gateways, http } from './support/parley';
import { Inbox, sdkAdmin, sdkLogin } from './support/parley-sdk';
import { TcpProxy } from './support/tcp-proxy';

/**
 * Parley's own SDK (`libs/sdk`) against the platform: a chat between two users, a client whose
 * socket is cut while messages are sent (it gets exactly the missing ones, in order, once), a
 * send whose reply is lost (retried with its muid: one message), and the live events.
 */

const clients: ParleyClient[] = [];
const proxies: TcpProxy[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

/** A fresh app with the users alice and bob, and its admin. */
async function appWithAliceAndBob() {
  const app = await createApp();
  const admin = sdkAdmin(app);
  await admin.createUser({ uid: 'alice', name: 'Alice' });
  await admin.createUser({ uid: 'bob', name: 'Bob' });
  return { app, admin };
}

/** An app with alice and bob; alice logs in with the Auth key, bob with a token the server made. */
async function chatPair(bobOptions: Parameters<typeof sdkLogin>[2] = {}) {
  const { app, admin } = await appWithAliceAndBob();
  const alice = await sdkLogin(app, { uid: 'alice', authKey: app.authKey });
  const bob = await sdkLogin(app, { authToken: await admin.createAuthToken('bob') }, bobOptions);
  clients.push(alice, bob);
  const aliceInbox = new Inbox(alice);
  const bobInbox = new Inbox(bob);
  await Promise.all([alice.connect(), bob.connect()]);
  return { app, admin, alice, bob, aliceInbox, bobInbox };
}

const lines = (from: number, to: number, prefix = 'line') =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`);

describe('@parley/sdk: chat', () => {
  it('carries a ten-line chat between two users, each line once and in order', async () => {
    const { alice, bob, aliceInbox, bobInbox } = await chatPair();
    expect(alice.user.uid).toBe('alice');
    expect(bob.user.uid).toBe('bob');

    const sent: Message[] = [];
    for (let i = 1; i <= 10; i++) {
      const [from, inbox, to] = i % 2 ? [alice, bobInbox, 'bob'] : [bob, aliceInbox, 'alice'];
      sent.push(await from.sendMessage(textMessage(to, `line ${i}`)));
      await inbox.until(() => inbox.texts().includes(`line ${i}`), `line ${i}`);
    }

    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bobInbox.texts()).toEqual(['line 1', 'line 3', 'line 5', 'line 7', 'line 9']);
    expect(aliceInbox.texts()).toEqual(['line 2', 'line 4', 'line 6', 'line 8', 'line 10']);
    const received = bobInbox.messages[0];
    expect(received).toMatchObject({ sender: 'alice', receiver: 'bob', category: 'message' });
    expect(received.id).toBe(sent[0].id);

    const history = await bob.getMessages({ kind: 'user', uid: 'alice' }, { limit: 20 });
    expect(history.messages.map((m) => m.data.text)).toEqual(lines(1, 10));
  });

  it('shows typing, receipts, reactions, edits and deletes as typed events', async () => {
    const { alice, bob, bobInbox, aliceInbox } = await chatPair();
    const toBob = { kind: 'user', uid: 'bob' } as const;
    alice.startTyping(toBob, { draft: true });
    const typing = await bobInbox.next('typing');
    expect(typing).toMatchObject({
      action: 'started',
      user: { uid: 'alice' },
      metadata: { draft: true },
    });

    const hello = await alice.sendMessage(textMessage('bob', 'helo'));
    await bobInbox.next('message', (m) => m.id === hello.id);
    await bob.markRead({ kind: 'user', uid: 'alice' }, hello.id);
    // read implies delivered: both receipts come
    const receipt = await aliceInbox.next('receipt', (r) => r.action === 'read');
    expect(receipt).toMatchObject({ action: 'read', messageId: hello.id, user: { uid: 'bob' } });

    await bob.addReaction(hello.id, '👍');
    const reaction = await aliceInbox.next('reaction');
    expect(reaction).toMatchObject({ action: 'message_reaction_added', reaction: '👍' });

    await alice.editMessage(hello.id, { text: 'hello' });
    const edited = await bobInbox.next('messageEdited');
    expect(edited.message).toMatchObject({ id: hello.id, data: { text: 'hello' } });
    expect(edited.action.data.action).toBe('edited');

    await alice.deleteMessage(hello.id);
    const deleted = await bobInbox.next('messageDeleted');
    expect(deleted.message.id).toBe(hello.id);
    expect(deleted.message.deletedAt).toBeGreaterThan(0);
    // the edit and the delete are the conversation's seqs 2 and 3: nothing was missed or doubled
    expect(bob.positions()[hello.conversationId]).toBe(3);
  });
});

describe('@parley/sdk: presence', () => {
  it('tells a client following all users when another comes online and goes offline', async () => {
    const { app } = await appWithAliceAndBob();
    const alice = await sdkLogin(
      app,
      { uid: 'alice', authKey: app.authKey },
      { presenceSubscription: 'ALL_USERS' },
    );
    const bob = await sdkLogin(app, { uid: 'bob', authKey: app.authKey });
    clients.push(alice, bob);
    const inbox = new Inbox(alice);
    await alice.connect();
    await bob.connect();
    const online = await inbox.next('presence', (p) => p.user.uid === 'bob');
    expect(online.action).toBe('online');
    bob.disconnect();
    await inbox.next('presence', (p) => p.user.uid === 'bob' && p.action === 'offline');
  });
});

describe('@parley/sdk: groups', () => {
  it('the admin manages a group and its members; clients join, leave and see the member actions', async () => {
    const { admin, alice, bob, bobInbox } = await chatPair();
    await admin.createUser({ uid: 'carol', name: 'Carol' });
    const group = await alice.createGroup({ guid: 'club', name: 'Club' });
    expect(group).toMatchObject({ guid: 'club', owner: 'alice', type: 'public' });
    await bob.joinGroup('club');
    await admin.addMembers('club', { participants: ['carol'] });
    const added = await bobInbox.next('groupAction', (a) => a.data.action === 'added');
    expect(added.data.entities.on?.entity).toMatchObject({ uid: 'carol' });

    await admin.changeScope('club', 'carol', 'moderator');
    const members = await admin.getGroupMembers('club');
    expect(members.map((m) => [m.uid, m.scope])).toEqual([
      ['alice', 'admin'],
      ['bob', 'participant'],
      ['carol', 'moderator'],
    ]);
    await admin.kickMember('club', 'carol');
    await bobInbox.next('groupAction', (a) => a.data.action === 'kicked');
    await bob.leaveGroup('club');
    expect((await admin.getGroupMembers('club')).map((m) => m.uid)).toEqual(['alice']);
    await admin.deleteGroup('club');
    await expect(admin.getGroup('club')).rejects.toMatchObject({ code: 'ERR_GUID_NOT_FOUND' });
  });
});

describe('@parley/sdk: reconnect and sync by seq', () => {
  it('after its socket is cut, a client gets exactly the messages it missed, in order, once', async () => {
    const proxy = await TcpProxy.start(gateways()[0]);
    proxies.push(proxy);
    const { alice, admin, bob, bobInbox } = await chatPair({
      socketUrl: `${proxy.url.replace(/^http/, 'ws')}/ws`,
    });
    await admin.createGroup({
      guid: 'room',
      name: 'Room',
      owner: 'alice',
      members: { participants: ['bob'] },
    });
    const room = (t: string) => textMessage('room', t, { receiverType: 'group' });

    for (const t of lines(1, 3)) await alice.sendMessage(textMessage('bob', t));
    await bobInbox.until(() => bobInbox.texts().includes('line 3'), 'the first lines');

    const reconnecting = bobInbox.next('connection', (s) => s === 'reconnecting');
    proxy.cut();
    await reconnecting;
    // Sent while bob has no socket: to him, and to the group.
    for (const t of lines(4, 8)) await alice.sendMessage(textMessage('bob', t));
    for (const t of lines(1, 3, 'room')) await alice.sendMessage(room(t));
    proxy.restore();

    await bobInbox.until(() => bobInbox.texts().includes('line 8'), 'the missed lines');
    for (const t of lines(9, 10)) await alice.sendMessage(textMessage('bob', t));
    await alice.sendMessage(room('room 4'));
    await bobInbox.until(
      () => bobInbox.texts().includes('line 10') && bobInbox.texts().includes('room 4'),
      'the lines after the reconnect',
    );
    await bob.synced();

    expect(proxy.connections).toBeGreaterThanOrEqual(2);
    const direct = bobInbox.messages.filter((m) => m.receiverType === 'user');
    expect(direct.map((m) => m.data.text)).toEqual(lines(1, 10));
    expect(direct.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const group = bobInbox.messages.filter((m) => m.receiverType === 'group');
    expect(group.map((m) => m.data.text)).toEqual(lines(1, 4, 'room'));
  });

  it('on a gap in the live frames, reads exactly the missing range and delivers in order', async () => {
    const reads: string[] = [];
    const recordingFetch: FetchLike = (url, init) => {
      if (url.includes('fromSeq')) reads.push(new URL(url).search);
      return fetch(url, init);
    };
    const { app, alice, bob, bobInbox } = await chatPair({ fetch: recordingFetch });
    for (const t of lines(1, 2)) await alice.sendMessage(textMessage('bob', t));
    await bobInbox.until(() => bobInbox.texts().includes('line 2'), 'the first lines');
    // Lines 3 and 4 are sent as if from bob's own session (its `resource`), so the gateway keeps
    // their frames from bob's socket: lost frames on a live connection.
    for (const t of lines(3, 4)) {
      const res = await http('POST', `${gateways()[0]}/v3/messages`, {
        headers: {
          appid: app.appId,
          apikey: app.restKey,
          onBehalfOf: 'alice',
          resource: bob.sessionId,
        },
        body: text('bob', t),
      });
      expect(res.status).toBe(200);
    }
    await alice.sendMessage(textMessage('bob', 'line 5'));
    await bobInbox.until(() => bobInbox.texts().includes('line 5'), 'line 5');
    await bob.synced();
    expect(bobInbox.texts()).toEqual(lines(1, 5));
    expect(reads).toEqual(['?fromSeq=3&toSeq=4&affix=append&limit=1000']);
  });

  it('after disconnect() and connect() again, delivers what came meanwhile', async () => {
    const { alice, bob, bobInbox } = await chatPair();
    await alice.sendMessage(textMessage('bob', 'line 1'));
    await bobInbox.until(() => bobInbox.texts().includes('line 1'), 'line 1');
    bob.disconnect();
    for (const t of lines(2, 3)) await alice.sendMessage(textMessage('bob', t));
    await bob.connect();
    await bobInbox.until(() => bobInbox.texts().includes('line 3'), 'the lines sent meanwhile');
    await bob.synced();
    expect(bobInbox.texts()).toEqual(lines(1, 3));
  });

  it('resumes from positions kept by an earlier run', async () => {
    const { alice, bob, app, bobInbox } = await chatPair();
    await alice.sendMessage(textMessage('bob', 'before'));
    await bobInbox.until(() => bobInbox.texts().includes('before'), 'the first message');
    const positions = bob.positions();
    bob.disconnect();
    for (const t of lines(1, 3, 'while away')) await alice.sendMessage(textMessage('bob', t));

    const again = await sdkLogin(app, { uid: 'bob', authKey: app.authKey }, { positions });
    clients.push(again);
    const inbox = new Inbox(again);
    await again.connect();
    await inbox.until(() => inbox.messages.length === 3, 'the messages sent while away');
    await again.synced();
    expect(inbox.texts()).toEqual(lines(1, 3, 'while away'));
  });
});

describe('@parley/sdk: idempotent sends', () => {
  it('a send whose reply was lost is retried with its muid and stores one message', async () => {
    const { app, admin } = await appWithAliceAndBob();
    let lost = 0;
    // The first send reaches Parley, but its reply never reaches the client.
    const lossyFetch: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      if (init?.method === 'POST' && url.endsWith('/v3/messages') && lost === 0) {
        lost += 1;
        await res.text();
        throw new TypeError('fetch failed: socket hang up');
      }
      return res;
    };
    const alice = await sdkLogin(
      app,
      { uid: 'alice', authKey: app.authKey },
      { fetch: lossyFetch },
    );
    const bob = await sdkLogin(app, { uid: 'bob', authKey: app.authKey });
    clients.push(alice, bob);
    const bobInbox = new Inbox(bob);
    await bob.connect();

    const message = await alice.sendMessage(textMessage('bob', 'only once'));
    expect(lost).toBe(1);
    expect(message.muid).toEqual(expect.any(String));
    const marker = await alice.sendMessage(textMessage('bob', 'after'));
    await bobInbox.until(() => bobInbox.texts().includes('after'), 'the marker');

    expect(bobInbox.texts()).toEqual(['only once', 'after']);
    expect(marker.seq).toBe(message.seq + 1);
    const stored = await admin.as('bob').getMessages({ kind: 'user', uid: 'alice' });
    expect(stored.messages.map((m) => [m.id, m.data.text])).toEqual([
      [message.id, 'only once'],
      [marker.id, 'after'],
    ]);
  });

  it('refusals are not retried and carry the error code', async () => {
    const { alice } = await chatPair();
    await expect(alice.sendMessage(textMessage('nobody', 'hi'))).rejects.toMatchObject({
      code: 'ERR_UID_NOT_FOUND',
      status: 404,
    });
  });
});

describe('@parley/sdk: browser build', () => {
  it('dist/libs/sdk/browser.js chats with nothing but browser globals', async () => {
    // The built ES module, run in a realm that has what a browser has and nothing of Node's
    // (no require, process or Buffer).
    const bundle = readFileSync(path.resolve(__dirname, '../../dist/libs/sdk/browser.js'), 'utf8');
    const { code } = await transform(bundle, { format: 'iife', globalName: 'ParleySDK' });
    const realm = vm.createContext({
      fetch,
      WebSocket,
      TextDecoder,
      URLSearchParams,
      crypto: globalThis.crypto,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
    });
    vm.runInContext(code, realm);
    const sdk = realm.ParleySDK as typeof import('@parley/sdk');

    const { app, admin } = await appWithAliceAndBob();
    const browser = await sdk.ParleyClient.login(
      { baseUrl: gateways()[0], appId: app.appId },
      { uid: 'alice', authKey: app.authKey },
    );
    clients.push(browser);
    const inbox = new Inbox(browser);
    await browser.connect();
    await admin.as('bob').sendMessage(textMessage('alice', 'to the browser'));
    await inbox.until(() => inbox.texts().includes('to the browser'), 'the message');
    const sent = await browser.sendMessage(sdk.textMessage('bob', 'from the browser'));
    expect(sent).toMatchObject({ sender: 'alice', seq: 2, data: { text: 'from the browser' } });
  });
});
