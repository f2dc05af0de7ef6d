import type {
  Action,
  CustomMessage,
  Group,
  GroupMember,
  MediaMessage,
  TextMessage,
  User,
} from '@cometchat/chat-sdk-javascript';
import { SdkClient } from '../sdk/support/sdk-client';
import { AppClient, AppKeys, http } from './support/parley';
import { appWithUsers } from '../sdk/support/sdk-app';
import { sdkSuite } from '../sdk/support/sdk-suite';

/**
 * Contract tests with CometChat's own JavaScript chat SDK (pinned at 4.2.0): each client is the
 * unmodified SDK in its own browser-like realm, pointed at Parley with `overrideClientHost` and
 * `overrideAdminHost`, over TLS (the SDK speaks nothing else). Every scenario goes through the
 * SDK's public API, so it fails when Parley answers in a shape the SDK cannot use.
 */

jest.setTimeout(30_000);

/** A user as the REST API answers it. */
interface RestUser {
  uid: string;
  name: string;
  role: string;
  avatar?: string;
  metadata?: Record<string, unknown>;
}

const suite = sdkSuite();
const { login } = suite;

/** GET /v3.0/me on the plain gateway with `authToken`: who Parley says the token belongs to. */
async function whoHas(app: AppKeys, authToken: string) {
  return http<{ data?: { uid: string } }>('GET', `${AppClient.rest(app).gateway}/v3.0/me`, {
    headers: { appid: app.appId, authtoken: authToken },
  });
}

describe('CometChat SDK: session', () => {
  it('logs in with the auth key: the user, a live socket, and a token Parley accepts', async () => {
    const app = await appWithUsers('alice');
    const alice = await login(app, 'alice');
    const me = (await alice.CometChat.getLoggedinUser()) as User;
    expect(me.getUid()).toBe('alice');
    expect(me.getName()).toBe('User alice');
    expect(alice.CometChat.getConnectionStatus()).toBe('connected');
    expect((await whoHas(app, me.getAuthToken())).body.data?.uid).toBe('alice');
  });

  it('logs in with an auth token the server made', async () => {
    const app = await appWithUsers('bob');
    const made = await AppClient.rest(app).post<{ data: { authToken: string } }>(
      '/users/bob/auth_tokens',
    );
    const token = made.body.data.authToken;
    const bob = await SdkClient.login(suite.target(app), 'bob', { authToken: token });
    suite.track(bob);
    const me = (await bob.CometChat.getLoggedinUser()) as User;
    expect(me.getUid()).toBe('bob');
    expect(me.getAuthToken()).toBe(token);
    expect(bob.CometChat.getConnectionStatus()).toBe('connected');
  });

  it('resumes a stored session on reload: no login, straight to a socket that receives', async () => {
    const app = await appWithUsers('alice', 'bob');
    const first = await login(app, 'alice');
    const storage = first.storage();
    first.dispose();

    const reloaded = await SdkClient.init(suite.target(app), storage);
    suite.track(reloaded);
    expect(((await reloaded.CometChat.getLoggedinUser()) as User).getUid()).toBe('alice');
    await reloaded.connected();
    const text = `after reload ${Date.now()}`;
    await http('POST', `${AppClient.rest(app).gateway}/v3/messages`, {
      headers: { ...AppClient.rest(app).headers(), onbehalfof: 'bob' },
      body: {
        receiver: 'alice',
        receiverType: 'user',
        category: 'message',
        type: 'text',
        data: { text },
      },
    });
    const got = await reloaded.next<TextMessage>(
      'onTextMessageReceived',
      (m) => m.getText() === text,
    );
    expect(got.getSender().getUid()).toBe('bob');
  });

  it("refuses a wrong auth key with Parley's error", async () => {
    const app = await appWithUsers('carol');
    const client = await SdkClient.init(suite.target(app));
    suite.track(client);
    await expect(client.CometChat.login('carol', 'not-the-auth-key')).rejects.toMatchObject({
      code: 'AUTH_ERR_APIKEY_NOT_FOUND',
    });
    expect(await client.CometChat.getLoggedinUser()).toBeNull();
  });

  it('logs out: the SDK forgets the user and Parley revokes the token', async () => {
    const app = await appWithUsers('dave');
    const dave = await login(app, 'dave');
    const token = ((await dave.CometChat.getLoggedinUser()) as User).getAuthToken();
    await dave.CometChat.logout();
    expect(await dave.CometChat.getLoggedinUser()).toBeNull();
    expect((await whoHas(app, token)).status).toBe(401);
  });
});

describe('CometChat SDK: groups', () => {
  let app: AppKeys;
  let alice: SdkClient;
  let bob: SdkClient;

  // Each scenario in its own app: alice and bob logged in, carol a user.
  beforeEach(async () => {
    app = await appWithUsers('alice', 'bob', 'carol');
    [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
  });

  it('creates a group as its owner, and another user joins it', async () => {
    const { CometChat } = alice;
    const created = await CometChat.createGroup(
      new CometChat.Group('team', 'The team', CometChat.GROUP_TYPE.PUBLIC),
    );
    expect(created.getGuid()).toBe('team');
    expect(created.getName()).toBe('The team');
    expect(created.getOwner()).toBe('alice');
    expect(created.getHasJoined()).toBe(true);

    const joined = await bob.CometChat.joinGroup('team', bob.CometChat.GroupType.Public);
    expect(joined.getGuid()).toBe('team');
    expect(joined.getName()).toBe('The team');
    expect(joined.getHasJoined()).toBe(true);

    const seen = await bob.CometChat.getGroup('team');
    expect(seen.getHasJoined()).toBe(true);
    expect(seen.getMembersCount()).toBe(2);
  });

  it('lists groups with their per-user fields', async () => {
    await alice.CometChat.createGroup(new alice.CometChat.Group('team', 'Team', 'public'));
    await alice.CometChat.createGroup(new alice.CometChat.Group('other', 'Other', 'public'));
    await bob.CometChat.joinGroup('team', bob.CometChat.GroupType.Public);
    const request = new bob.CometChat.GroupsRequestBuilder().setLimit(10).build();
    const groups: Group[] = await request.fetchNext();
    const byGuid = Object.fromEntries(groups.map((g) => [g.getGuid(), g]));
    expect(Object.keys(byGuid).sort()).toEqual(['other', 'team']);
    expect(byGuid.team.getHasJoined()).toBe(true);
    expect(byGuid.other.getHasJoined()).toBe(false);

    const joinedOnly = await new bob.CometChat.GroupsRequestBuilder()
      .setLimit(10)
      .joinedOnly(true)
      .build()
      .fetchNext();
    expect(joinedOnly.map((g: Group) => g.getGuid())).toEqual(['team']);
  });

  it('lists group members in pages, with their scope', async () => {
    await alice.CometChat.createGroup(new alice.CometChat.Group('team', 'Team', 'public'));
    await AppClient.rest(app).post('/groups/team/members', { participants: ['bob', 'carol'] });
    const request = new bob.CometChat.GroupMembersRequestBuilder('team').setLimit(2).build();
    const first: GroupMember[] = await request.fetchNext();
    const second: GroupMember[] = await request.fetchNext();
    expect(first).toHaveLength(2);
    const members = [...first, ...second];
    expect(Object.fromEntries(members.map((m) => [m.getUid(), m.getScope()]))).toEqual({
      alice: 'admin',
      bob: 'participant',
      carol: 'participant',
    });
    expect(await request.fetchNext()).toEqual([]);
  });

  it('manages members: adds, changes a scope, kicks, bans and unbans, hands over and leaves', async () => {
    const { CometChat } = alice;
    await CometChat.createGroup(new CometChat.Group('crew', 'Crew', CometChat.GroupType.Private));
    const added = await CometChat.addMembersToGroup(
      'crew',
      [new CometChat.GroupMember('bob', CometChat.GROUP_MEMBER_SCOPE.PARTICIPANT)],
      [],
    );
    expect(added).toEqual({ bob: 'success' });
    expect(
      await CometChat.addMembersToGroup(
        'crew',
        [new CometChat.GroupMember('nobody', CometChat.GROUP_MEMBER_SCOPE.PARTICIPANT)],
        [],
      ),
    ).toEqual({ nobody: expect.any(String) });
    expect((await bob.CometChat.getGroup('crew')).getHasJoined()).toBe(true);

    expect(
      await CometChat.updateGroupMemberScope(
        'crew',
        'bob',
        CometChat.GROUP_MEMBER_SCOPE.MODERATOR as never,
      ),
    ).toBe(true);
    const scopes = async () =>
      Object.fromEntries(
        (
          (await new CometChat.GroupMembersRequestBuilder('crew')
            .setLimit(10)
            .build()
            .fetchNext()) as GroupMember[]
        ).map((m) => [m.getUid(), m.getScope()]),
      );
    expect(await scopes()).toEqual({ alice: 'admin', bob: 'moderator' });

    expect(await CometChat.kickGroupMember('crew', 'bob')).toBe(true);
    expect(await scopes()).toEqual({ alice: 'admin' });
    expect(await CometChat.banGroupMember('crew', 'carol')).toBe(true);
    const banned = (await new CometChat.BannedMembersRequestBuilder('crew')
      .setLimit(10)
      .build()
      .fetchNext()) as GroupMember[];
    expect(banned.map((m) => m.getUid())).toEqual(['carol']);
    expect(await CometChat.unbanGroupMember('crew', 'carol')).toBe(true);

    await CometChat.addMembersToGroup(
      'crew',
      [new CometChat.GroupMember('bob', CometChat.GROUP_MEMBER_SCOPE.ADMIN)],
      [],
    );
    await CometChat.transferGroupOwnership('crew', 'bob');
    expect(await CometChat.leaveGroup('crew')).toBe(true);
    const after = await bob.CometChat.getGroup('crew');
    expect(after.getOwner()).toBe('bob');
    expect(after.getMembersCount()).toBe(1);
  });
});

describe('CometChat SDK: blocking', () => {
  it('blocks and unblocks users, and lists the blocked ones', async () => {
    const app = await appWithUsers('alice', 'bob', 'carol');
    const alice = await login(app, 'alice');
    const { CometChat } = alice;
    expect(await CometChat.blockUsers(['bob', 'carol'])).toEqual({
      bob: expect.objectContaining({ success: true }),
      carol: expect.objectContaining({ success: true }),
    });
    const blocked = (await new CometChat.BlockedUsersRequestBuilder()
      .setLimit(10)
      .build()
      .fetchNext()) as User[];
    expect(blocked.map((u) => [u.getUid(), u.getBlockedByMe()])).toEqual([
      ['bob', true],
      ['carol', true],
    ]);
    expect(await CometChat.unblockUsers(['bob'])).toEqual({
      bob: expect.objectContaining({ success: true }),
    });
    expect((await CometChat.getUser('bob')).getBlockedByMe()).toBe(false);
    expect((await CometChat.getUser('carol')).getBlockedByMe()).toBe(true);
  });
});

describe('CometChat SDK: messages in real time', () => {
  let app: AppKeys;
  let alice: SdkClient;
  let bob: SdkClient;

  beforeAll(async () => {
    app = await appWithUsers('alice', 'bob');
    [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    await alice.CometChat.createGroup(new alice.CometChat.Group('room', 'Room', 'public'));
    await bob.CometChat.joinGroup('room', bob.CometChat.GroupType.Public);
  });

  describe.each([
    ['a user', 'user', 'bob'],
    ['a group', 'group', 'room'],
  ])('to %s', (_label, receiverType, receiver) => {
    it('sends a text message that the other client receives live', async () => {
      const { CometChat } = alice;
      const text = `hello ${receiverType} ${Date.now()}`;
      const message = new CometChat.TextMessage(receiver, text, receiverType);
      message.setMetadata({ lang: 'en' });
      message.setMuid(`muid-${text}`);
      const sent = (await CometChat.sendMessage(message)) as TextMessage;
      expect(Number(sent.getId())).toBeGreaterThan(0);
      expect(sent.getText()).toBe(text);

      const got = await bob.next<TextMessage>('onTextMessageReceived', (m) => m.getText() === text);
      expect(got.getId()).toBe(sent.getId());
      expect(got.getSender().getUid()).toBe('alice');
      expect(got.getReceiverId()).toBe(receiver);
      expect(got.getReceiverType()).toBe(receiverType);
      expect(got.getMetadata()).toEqual({ lang: 'en' });
      expect(got.getMuid()).toBe(`muid-${text}`);
    });

    it('sends a media message by attachment URL that the other client receives live', async () => {
      const { CometChat } = alice;
      const url = `https://files.example.com/${receiverType}/cat.png`;
      const media = new CometChat.MediaMessage(
        receiver,
        null as unknown as object,
        CometChat.MESSAGE_TYPE.IMAGE,
        receiverType,
      );
      media.setAttachment(
        new CometChat.Attachment({
          url,
          name: 'cat.png',
          extension: 'png',
          mimeType: 'image/png',
          size: 1234,
        }),
      );
      const sent = (await CometChat.sendMediaMessage(media)) as MediaMessage;
      expect(sent.getType()).toBe('image');

      const got = await bob.next<MediaMessage>(
        'onMediaMessageReceived',
        (m) => m.getId() === sent.getId(),
      );
      expect(got.getType()).toBe('image');
      expect(got.getAttachment().getUrl()).toBe(url);
      expect(got.getAttachment().getMimeType()).toBe('image/png');
      expect(got.getSender().getUid()).toBe('alice');
    });

    it('sends a custom message that the other client receives live', async () => {
      const { CometChat } = alice;
      const customData = { lat: 52.5, lng: 13.4, tag: `${receiverType}-${Date.now()}` };
      const sent = (await CometChat.sendCustomMessage(
        new CometChat.CustomMessage(receiver, receiverType, 'location', customData),
      )) as CustomMessage;
      expect(sent.getType()).toBe('location');

      const got = await bob.next<CustomMessage>(
        'onCustomMessageReceived',
        (m) => m.getId() === sent.getId(),
      );
      expect(got.getType()).toBe('location');
      expect(got.getCustomData()).toEqual(customData);
      expect(got.getSender().getUid()).toBe('alice');
    });
  });
});

describe('CometChat SDK: threads', () => {
  it('replies in a thread, seen live, listed under the parent and counted on it', async () => {
    const app = await appWithUsers('alice', 'bob');
    const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    const { CometChat } = alice;
    const parent = (await CometChat.sendMessage(
      new CometChat.TextMessage('bob', 'start a thread', 'user'),
    )) as TextMessage;
    for (const text of ['first reply', 'second reply']) {
      const reply = new CometChat.TextMessage('bob', text, 'user');
      reply.setParentMessageId(Number(parent.getId()));
      const sent = (await CometChat.sendMessage(reply)) as TextMessage;
      expect(String(sent.getParentMessageId())).toBe(String(parent.getId()));
    }
    const live = await bob.next<TextMessage>(
      'onTextMessageReceived',
      (m) => m.getText() === 'second reply',
    );
    expect(String(live.getParentMessageId())).toBe(String(parent.getId()));

    const thread = (await new bob.CometChat.MessagesRequestBuilder()
      .setParentMessageId(Number(parent.getId()))
      .setLimit(10)
      .build()
      .fetchPrevious()) as TextMessage[];
    expect(thread.map((m) => m.getText())).toEqual(['first reply', 'second reply']);
    expect((await bob.CometChat.getMessageDetails(parent.getId())).getReplyCount()).toBe(2);
  });
});

describe('CometChat SDK: several devices', () => {
  it("gives a user's message to their other tab, not back to the tab that sent it", async () => {
    const app = await appWithUsers('alice', 'bob');
    const [laptop, phone, bob] = await Promise.all([
      login(app, 'alice'),
      login(app, 'alice'),
      login(app, 'bob'),
    ]);
    const text = `from the laptop ${Date.now()}`;
    const sent = await laptop.CometChat.sendMessage(
      new laptop.CometChat.TextMessage('bob', text, 'user'),
    );
    const onPhone = await phone.next<TextMessage>(
      'onTextMessageReceived',
      (m) => m.getText() === text,
    );
    expect(onPhone.getId()).toBe(sent.getId());
    await bob.next<TextMessage>('onTextMessageReceived', (m) => m.getText() === text);
    // The frame reached the laptop too, with the laptop's session as deviceId, so the SDK dropped
    // it. A later message to alice arrives on the same subject after it: once the laptop has that
    // one, it has had every chance to show the first.
    const reply = `reply ${Date.now()}`;
    await bob.CometChat.sendMessage(new bob.CometChat.TextMessage('alice', reply, 'user'));
    await laptop.next<TextMessage>('onTextMessageReceived', (m) => m.getText() === reply);
    expect(
      laptop.events.filter(
        (e) => e.name === 'onTextMessageReceived' && (e.arg as TextMessage).getText() === text,
      ),
    ).toEqual([]);
  });
});

describe('CometChat SDK: lists', () => {
  let app: AppKeys;
  let alice: SdkClient;

  beforeAll(async () => {
    app = await appWithUsers('alice', 'bob', 'carol', 'dave', 'erin');
    alice = await login(app, 'alice');
    const rest = AppClient.rest(app);
    await rest.post('/groups', { guid: 'club', name: 'Club', type: 'public', owner: 'bob' });
    await rest.post('/groups/club/members', { participants: ['alice'] });
    // As bob: five messages to alice, then three to the group.
    const send = async (receiver: string, receiverType: string, text: string) => {
      const res = await http('POST', `${rest.gateway}/v3/messages`, {
        headers: { ...rest.headers(), onbehalfof: 'bob' },
        body: { receiver, receiverType, category: 'message', type: 'text', data: { text } },
      });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    };
    for (let i = 1; i <= 5; i++) await send('alice', 'user', `m${i}`);
    for (let i = 1; i <= 3; i++) await send('club', 'group', `g${i}`);
  });

  it('pages back through a conversation with MessagesRequestBuilder', async () => {
    const request = new alice.CometChat.MessagesRequestBuilder().setUID('bob').setLimit(2).build();
    const texts = async () =>
      ((await request.fetchPrevious()) as TextMessage[]).map((m) => m.getText());
    expect(await texts()).toEqual(['m4', 'm5']);
    expect(await texts()).toEqual(['m2', 'm3']);
    expect(await texts()).toEqual(['m1']);
    expect(await texts()).toEqual([]);
  });

  it('pages forward from a message id', async () => {
    const all = (await new alice.CometChat.MessagesRequestBuilder()
      .setUID('bob')
      .setLimit(10)
      .build()
      .fetchPrevious()) as TextMessage[];
    const request = new alice.CometChat.MessagesRequestBuilder()
      .setUID('bob')
      .setMessageId(Number(all[1].getId()))
      .setLimit(2)
      .build();
    const texts = async () =>
      ((await request.fetchNext()) as TextMessage[]).map((m) => m.getText());
    expect(await texts()).toEqual(['m3', 'm4']);
    expect(await texts()).toEqual(['m5']);
  });

  it("pages back through a group's messages", async () => {
    const request = new alice.CometChat.MessagesRequestBuilder()
      .setGUID('club')
      .setLimit(2)
      .build();
    const page = async () => (await request.fetchPrevious()) as TextMessage[];
    const first = await page();
    expect(first.map((m) => m.getText())).toEqual(['g2', 'g3']);
    expect(first.map((m) => m.getReceiverId())).toEqual(['club', 'club']);
    // Before g1: the action message of alice's being added, parsed by the SDK as an Action.
    const second = (await page()) as unknown as Array<TextMessage | Action>;
    expect(
      second.map((m) =>
        m.getCategory() === 'action'
          ? `${(m as Action).getAction()} ${((m as Action).getActionOn() as User).getUid()}`
          : (m as TextMessage).getText(),
      ),
    ).toEqual(['added alice', 'g1']);
  });

  it('lists users in pages with UsersRequestBuilder', async () => {
    const request = new alice.CometChat.UsersRequestBuilder().setLimit(2).build();
    const pages: string[][] = [];
    for (let i = 0; i < 4; i++)
      pages.push(((await request.fetchNext()) as User[]).map((u) => u.getUid()));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1, 0]);
    expect(pages.flat().sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  it('searches users by name', async () => {
    const found = (await new alice.CometChat.UsersRequestBuilder()
      .setLimit(10)
      .setSearchKeyword('User car')
      .build()
      .fetchNext()) as User[];
    expect(found.map((u) => u.getUid())).toEqual(['carol']);
  });
});

describe('CometChat SDK: profiles', () => {
  it("updates the logged-in user's own details (updateCurrentUserDetails)", async () => {
    const app = await appWithUsers('alice');
    const alice = await login(app, 'alice');
    const { CometChat } = alice;
    const change = new CometChat.User('alice');
    change.setName('Alice Liddell');
    change.setStatusMessage('down the rabbit hole');
    change.setMetadata({ city: 'Oxford' });
    const updated = await CometChat.updateCurrentUserDetails(change);
    expect(updated.getName()).toBe('Alice Liddell');
    expect(updated.getStatusMessage()).toBe('down the rabbit hole');
    expect(((await CometChat.getLoggedinUser()) as User).getName()).toBe('Alice Liddell');
    const stored = await AppClient.rest(app).get<{ data: RestUser }>('/users/alice');
    expect(stored.body.data).toMatchObject({ name: 'Alice Liddell', metadata: { city: 'Oxford' } });
  });

  it('updates a user with the auth key (updateUser)', async () => {
    const app = await appWithUsers('alice', 'bob');
    const alice = await login(app, 'alice');
    const { CometChat } = alice;
    const change = new CometChat.User('bob');
    change.setName('Robert');
    change.setAvatar('https://img.example.com/bob.png');
    const updated = await CometChat.updateUser(change, app.authKey);
    expect(updated.getName()).toBe('Robert');
    const stored = await AppClient.rest(app).get<{ data: RestUser }>('/users/bob');
    expect(stored.body.data).toMatchObject({
      name: 'Robert',
      avatar: 'https://img.example.com/bob.png',
    });
  });

  it("keeps a role the app's to give: neither the auth key nor the user changes it", async () => {
    const app = await appWithUsers('alice', 'bob');
    await AppClient.rest(app).post('/roles', { role: 'vip', name: 'VIP' });
    const alice = await login(app, 'alice');
    const { CometChat } = alice;

    const promote = new CometChat.User('bob');
    promote.setRole('vip');
    await expect(CometChat.updateUser(promote, app.authKey)).rejects.toMatchObject({
      code: 'AUTH_ERR_NO_ACCESS',
    });
    const self = new CometChat.User('alice');
    self.setRole('vip');
    await expect(CometChat.updateCurrentUserDetails(self)).rejects.toMatchObject({
      code: 'AUTH_ERR_NO_ACCESS',
    });

    // A User read back and sent again carries its unchanged role, and goes through.
    const bob = await CometChat.getUser('bob');
    bob.setName('Bobby');
    expect((await CometChat.updateUser(bob, app.authKey)).getName()).toBe('Bobby');
    const stored = await AppClient.rest(app).get<{ data: RestUser[] }>('/users');
    expect(stored.body.data.map((u) => [u.uid, u.role, u.name]).sort()).toEqual([
      ['alice', 'default', 'User alice'],
      ['bob', 'default', 'Bobby'],
    ]);
  });
});
