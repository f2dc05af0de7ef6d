import type {
  Action,
  BaseMessage,
  Conversation,
  Group,
  MessageReceipt,
  TextMessage,
  TransientMessage,
  TypingIndicator,
  User,
} from '@cometchat/chat-sdk-javascript';
import { appWithUsers } from '../sdk/support/sdk-app';
import { SdkClient } from '../sdk/support/sdk-client';
import { sdkSuite } from '../sdk/support/sdk-suite';

/**
 * Contract tests with CometChat's JavaScript SDK for what happens live beyond messages: typing,
 * transient messages, edits, deletes, membership changes, receipts, conversations and presence (see sdk-contract.e2e-spec.ts for the set-up: the unmodified SDK in browser-like realms,
 * against Parley over TLS).
 */

jest.setTimeout(30_000);

const suite = sdkSuite();
const { login } = suite;

/** A fresh app with alice and bob logged in, and a group `room` they are both in. */
async function pair() {
  const app = await appWithUsers('alice', 'bob');
  const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
  await alice.CometChat.createGroup(new alice.CometChat.Group('room', 'Room', 'public'));
  await bob.CometChat.joinGroup('room', bob.CometChat.GroupType.Public);
  return { app, alice, bob };
}

async function sendText(from: SdkClient, receiver: string, receiverType: string, text: string) {
  const { CometChat } = from;
  return (await CometChat.sendMessage(
    new CometChat.TextMessage(receiver, text, receiverType),
  )) as TextMessage;
}

describe('CometChat SDK: typing', () => {
  it.each([
    ['a user', 'user', 'bob'],
    ['a group', 'group', 'room'],
  ])('shows typing started and ended to %s', async (_label, receiverType, receiver) => {
    const { alice, bob } = await pair();
    const { CometChat } = alice;
    const indicator = new CometChat.TypingIndicator(receiver, receiverType, { draft: 1 });
    CometChat.startTyping(indicator);
    const started = await bob.next<TypingIndicator>('onTypingStarted');
    expect(started.getSender().getUid()).toBe('alice');
    expect(started.getReceiverType()).toBe(receiverType);
    expect(started.getReceiverId()).toBe(receiver);
    expect(started.getMetadata()).toEqual({ draft: 1 });
    CometChat.endTyping(new CometChat.TypingIndicator(receiver, receiverType));
    const ended = await bob.next<TypingIndicator>('onTypingEnded');
    expect(ended.getSender().getUid()).toBe('alice');
  });
});

describe('CometChat SDK: transient messages', () => {
  it('relays a transient message to the other user, stored nowhere', async () => {
    const { alice, bob } = await pair();
    const { CometChat } = alice;
    CometChat.sendTransientMessage(
      new CometChat.TransientMessage('bob', 'user', { live: 'location', lat: 1.5 }),
    );
    const got = await bob.next<TransientMessage>('onTransientMessageReceived');
    expect(got.getSender().getUid()).toBe('alice');
    expect(got.getData()).toEqual({ live: 'location', lat: 1.5 });
    const history = (await new bob.CometChat.MessagesRequestBuilder()
      .setUID('alice')
      .setLimit(10)
      .build()
      .fetchPrevious()) as unknown[];
    expect(history).toEqual([]);
  });
});

describe('CometChat SDK: edits and deletes', () => {
  it('shows an edit and a delete live on the other client', async () => {
    const { alice, bob } = await pair();
    const { CometChat } = alice;
    const sent = await sendText(alice, 'bob', 'user', 'typo');
    const edit = new CometChat.TextMessage('bob', 'fixed', 'user');
    edit.setId(Number(sent.getId()));
    const edited = (await CometChat.editMessage(edit)) as TextMessage;
    expect(edited.getText()).toBe('fixed');
    const seenEdit = await bob.next<TextMessage>(
      'onMessageEdited',
      (m) => m.getId() === sent.getId(),
    );
    expect(seenEdit.getText()).toBe('fixed');
    expect(seenEdit.getEditedAt()).toBeGreaterThan(0);

    await CometChat.deleteMessage(String(sent.getId()));
    const seenDelete = await bob.next<BaseMessage>(
      'onMessageDeleted',
      (m) => m.getId() === sent.getId(),
    );
    expect(seenDelete.getDeletedAt()).toBeGreaterThan(0);
  });
});

describe('CometChat SDK: membership live', () => {
  it('shows a member joining live to the group', async () => {
    const app = await appWithUsers('alice', 'bob');
    const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    await alice.CometChat.createGroup(new alice.CometChat.Group('room', 'Room', 'public'));
    await bob.CometChat.joinGroup('room', bob.CometChat.GroupType.Public);
    const [action, joinedUser, joinedGroup] = (await alice.nextCall(
      'onGroupMemberJoined',
      (a) => (a[1] as User).getUid() === 'bob',
    )) as [Action, User, Group];
    expect(action.getAction()).toBe('joined');
    expect(joinedUser.getUid()).toBe('bob');
    expect(joinedGroup.getGuid()).toBe('room');
  });
});

describe('CometChat SDK: receipts', () => {
  it('tells the sender when the receiver marks a message delivered and read', async () => {
    const { alice, bob } = await pair();
    const sent = await sendText(alice, 'bob', 'user', 'receipt me');
    const got = await bob.next<TextMessage>(
      'onTextMessageReceived',
      (m) => m.getId() === sent.getId(),
    );
    bob.CometChat.markAsDelivered(got);
    const delivered = await alice.next<MessageReceipt>('onMessagesDelivered');
    expect(delivered.getMessageId()).toBe(sent.getId());
    expect(delivered.getSender().getUid()).toBe('bob');
    bob.CometChat.markAsRead(got);
    const read = await alice.next<MessageReceipt>('onMessagesRead');
    expect(read.getMessageId()).toBe(sent.getId());
    expect(read.getSender().getUid()).toBe('bob');
  });
});

describe('CometChat SDK: conversations', () => {
  it('lists conversations with their last message and unread count', async () => {
    const { alice, bob } = await pair();
    await sendText(alice, 'bob', 'user', 'first');
    const last = await sendText(alice, 'bob', 'user', 'second');
    await sendText(alice, 'room', 'group', 'to the room');
    const conversations = (await new bob.CometChat.ConversationsRequestBuilder()
      .setLimit(10)
      .build()
      .fetchNext()) as Conversation[];
    const byId = Object.fromEntries(conversations.map((c) => [c.getConversationId(), c]));
    expect(Object.keys(byId).sort()).toEqual(['alice_user_bob', 'group_room']);
    const withAlice = byId.alice_user_bob;
    expect(withAlice.getConversationType()).toBe('user');
    expect((withAlice.getConversationWith() as User).getUid()).toBe('alice');
    expect((withAlice.getLastMessage() as BaseMessage).getId()).toBe(last.getId());
    expect(withAlice.getUnreadMessageCount()).toBe(2);
    expect(byId.group_room.getUnreadMessageCount()).toBe(1);

    expect(await bob.CometChat.getUnreadMessageCountForUser('alice')).toEqual({ alice: 2 });
    await bob.CometChat.markConversationAsRead('alice', 'user');
    const after = await bob.CometChat.getConversation('alice', 'user');
    expect(after.getUnreadMessageCount()).toBe(0);
  });
});

describe('CometChat SDK: presence', () => {
  it('tells subscribers when a user comes online and goes offline, and lists who is online', async () => {
    const app = await appWithUsers('alice', 'bob');
    const bob = await login(app, 'bob');
    const alice = await SdkClient.login(suite.target(app), 'alice', { authKey: app.authKey });
    const online = await bob.next<User>('onUserOnline', (u) => u.getUid() === 'alice');
    expect(online.getStatus()).toBe('online');
    const listed = (await new bob.CometChat.UsersRequestBuilder()
      .setLimit(10)
      .setStatus(bob.CometChat.USER_STATUS.ONLINE)
      .build()
      .fetchNext()) as User[];
    expect(listed.map((u) => u.getUid()).sort()).toEqual(['alice', 'bob']);
    // The tab closes without logging out: its socket goes, and so does alice's presence.
    alice.dispose();
    const offline = await bob.next<User>('onUserOffline', (u) => u.getUid() === 'alice');
    expect(offline.getStatus()).toBe('offline');
  });
});
