import type { TextMessage } from '@cometchat/chat-sdk-javascript';
import { appWithUsers, sdkTarget } from '../sdk/support/sdk-app';
import { SdkClient } from '../sdk/support/sdk-client';
import { AppKeys } from './support/parley';
import { SdkGateway, startSdkGateway } from './support/tls-gateway';

/**
 * CometChat's SDK on two gateways that share nothing but NATS: each client stays on the gateway it
 * logged in at (its `settings` name that gateway's PUBLIC_URL), and messages cross between them.
 */

jest.setTimeout(30_000);

let gateways: SdkGateway[] = [];
const clients: SdkClient[] = [];
let app: AppKeys;
let alice: SdkClient;
let bob: SdkClient;

beforeAll(async () => {
  gateways = await Promise.all([startSdkGateway(), startSdkGateway()]);
  app = await appWithUsers('alice', 'bob');
  [alice, bob] = await Promise.all([
    SdkClient.login(sdkTarget(app, gateways[0]), 'alice', { authKey: app.authKey }),
    SdkClient.login(sdkTarget(app, gateways[1]), 'bob', { authKey: app.authKey }),
  ]);
  clients.push(alice, bob);
  // Each stays where it logged in: the settings it keeps name that gateway's port.
  expect(alice.appSettings()).toMatchObject({ CHAT_WSS_PORT: String(gateways[0].port) });
  expect(bob.appSettings()).toMatchObject({ CHAT_WSS_PORT: String(gateways[1].port) });
  await alice.CometChat.createGroup(new alice.CometChat.Group('both', 'Both', 'public'));
  await bob.CometChat.joinGroup('both', bob.CometChat.GroupType.Public);
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(gateways.map((g) => g.stop()));
});

it.each([
  ['to a user', 'user', 'bob', 'alice'],
  ['to a group', 'group', 'both', 'bob'],
])(
  'delivers a message %s sent through one gateway to a client on the other',
  async (_label, receiverType, receiver, senderUid) => {
    const [sender, listener] = senderUid === 'alice' ? [alice, bob] : [bob, alice];
    const { CometChat } = sender;
    const text = `across gateways ${receiverType} ${Date.now()}`;
    const sent = await CometChat.sendMessage(
      new CometChat.TextMessage(receiver, text, receiverType),
    );
    const got = await listener.next<TextMessage>(
      'onTextMessageReceived',
      (m) => m.getText() === text,
    );
    expect(got.getId()).toBe(sent.getId());
    expect(got.getSender().getUid()).toBe(senderUid);
  },
);
