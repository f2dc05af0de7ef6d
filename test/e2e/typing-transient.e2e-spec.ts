import { connect as tcpConnect, Socket } from 'node:net';
import { NatsConnection } from 'nats';
import { AppClient, createApp, eventually, gateways } from './support/parley';
import { Frame, login, Login, natsPublisher, TestSocket } from './support/realtime-client';

/**
 * Client frames relayed by the gateways (realtime reference §5): `typing_indicator` and
 * `transient_message` to the other user or to a group's members, across gateways, with the
 * sender's session skipped; and backpressure: a socket that does not read is closed (4008) when a
 * message is due, and slows nobody else.
 */

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
/** Sockets that follow no presence, so only the frames under test arrive. */
const connect = async (url: string, who: Login, appId: string, device: string) => {
  const s = await TestSocket.authenticated(url, who, appId, device, undefined, {});
  sockets.push(s);
  return s;
};

const typing = (appId: string, receiver: string, receiverType: string, action: string) => ({
  appId,
  type: 'typing_indicator',
  receiver,
  receiverType,
  body: { action, metadata: { field: 'reply' } },
});
const typingFrom = (uid: string, action?: string) => (f: Frame) =>
  f.type === 'typing_indicator' &&
  f.sender === uid &&
  (action === undefined || (f.body as { action: string }).action === action);

describe('typing and transient messages', () => {
  it('relays typing started and ended to the other user on another gateway', async () => {
    const app = await createApp();
    const [g1, g2] = gateways();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const aliceTab = await connect(g1, alice, app.appId, 'alice-tab');
    const aliceOther = await connect(g2, alice, app.appId, 'alice-other');
    const bobTab = await connect(g2, bob, app.appId, 'bob-tab');

    aliceTab.send({ ...typing(app.appId, 'bob', 'user', 'started'), sender: 'mallory' });
    expect(await bobTab.next(typingFrom('alice', 'started'))).toEqual({
      appId: app.appId,
      type: 'typing_indicator',
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      deviceId: 'alice-tab',
      body: {
        action: 'started',
        user: expect.objectContaining({ uid: 'alice', name: 'User alice' }),
        metadata: { field: 'reply' },
      },
    });
    aliceTab.send(typing(app.appId, 'bob', 'user', 'ended'));
    await bobTab.next(typingFrom('alice', 'ended'));
    await aliceOther.roundTrip();
    expect(aliceOther.frames.filter((f) => f.type === 'typing_indicator')).toEqual([]);
  });

  it("relays a member's typing to the group's other members, and a non-member's to nobody", async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const [g1, g2] = gateways();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const dave = await login(app, 'dave');
    const created = await rest.post('/groups', {
      guid: 'crew',
      name: 'Crew',
      type: 'public',
      members: { participants: ['alice', 'bob'] },
    });
    expect(created.status).toBe(200);
    const aliceTab = await connect(g1, alice, app.appId, 'alice-tab');
    const aliceOther = await connect(g2, alice, app.appId, 'alice-other');
    const bobTab = await connect(g2, bob, app.appId, 'bob-tab');
    const daveTab = await connect(g1, dave, app.appId, 'dave-tab');

    aliceTab.send(typing(app.appId, 'crew', 'group', 'started'));
    expect(await bobTab.next(typingFrom('alice'))).toMatchObject({
      receiver: 'crew',
      receiverType: 'group',
      body: { action: 'started', user: { uid: 'alice' } },
    });
    // dave is no member: his group frame goes nowhere. His next frame, to bob directly, follows
    // it on the same connection, so once that one is in, the group one would have been too.
    daveTab.send(typing(app.appId, 'crew', 'group', 'started'));
    daveTab.send(typing(app.appId, 'bob', 'user', 'ended'));
    await bobTab.next(typingFrom('dave', 'ended'));
    expect(bobTab.frames.filter(typingFrom('dave', 'started'))).toEqual([]);
    // The sender's own sockets never get their group typing back.
    await aliceOther.roundTrip();
    expect(aliceOther.frames.filter((f) => f.type === 'typing_indicator')).toEqual([]);

    // dave joins while connected: the gateway learns it from the membership event.
    expect(
      (await AppClient.rest(app).post('/groups/crew/members', { participants: ['dave'] })).status,
    ).toBe(200);
    await eventually(async () => {
      daveTab.send(typing(app.appId, 'crew', 'group', 'started'));
      await bobTab.next(typingFrom('dave', 'started'), 300);
    });
  });

  it('relays a transient message to the other user', async () => {
    const app = await createApp();
    const [g1, g2] = gateways();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const aliceTab = await connect(g1, alice, app.appId, 'alice-tab');
    const bobTab = await connect(g2, bob, app.appId, 'bob-tab');
    aliceTab.send({
      appId: app.appId,
      type: 'transient_message',
      receiver: 'bob',
      receiverType: 'user',
      body: { data: { reaction: 'wave' } },
    });
    expect(await bobTab.next((f) => f.type === 'transient_message')).toMatchObject({
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      deviceId: 'alice-tab',
      body: { data: { reaction: 'wave' }, user: { uid: 'alice' } },
    });
  });
});

describe('backpressure', () => {
  it('closes a socket that does not read (4008) while the reading one gets every message', async () => {
    const app = await createApp();
    const alice = await login(app, 'alice');
    const [g1] = gateways();
    const reader = await connect(g1, alice, app.appId, 'reader');
    const stalled = await StalledSocket.open(g1, alice, app.appId);
    try {
      // 200 frames of 100 KB: far more than the kernel's buffers and the gateway's 1 MiB. They go
      // out five at a time, each batch once the reader has the previous one, so only the socket
      // that does not read falls behind.
      const subject = `deliver.${app.appId}.u.alice`;
      const filler = 'x'.repeat(100 * 1024);
      const count = 200;
      const received = () => reader.frames.filter((f) => f.type === 'message').length;
      for (let i = 1; i <= count; i++) {
        nc.publish(
          subject,
          new TextEncoder().encode(
            JSON.stringify({
              appId: app.appId,
              type: 'message',
              sender: 'bob',
              receiver: 'alice',
              receiverType: 'user',
              body: {
                id: String(i),
                category: 'message',
                type: 'text',
                data: { text: filler },
                seq: i,
              },
            }),
          ),
        );
        if (i % 5 === 0) {
          await nc.flush();
          await eventually(async () => expect(received()).toBe(i), 10_000);
        }
      }
      expect(reader.ws.readyState).toBe(reader.ws.OPEN);
      expect(await stalled.closeCode()).toBe(4008);
    } finally {
      stalled.destroy();
    }
  });
});

/**
 * A WebSocket client that authenticates and then stops reading: a raw TCP socket speaking just
 * enough of RFC 6455 (upgrade, one masked text frame), paused after the auth answer.
 */
class StalledSocket {
  private received = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('error', () => undefined);
  }

  static async open(gateway: string, who: Login, appId: string): Promise<StalledSocket> {
    const url = new URL(gateway);
    const socket = tcpConnect(Number(url.port), url.hostname);
    const stalled = new StalledSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(
      'GET / HTTP/1.1\r\nHost: ' +
        url.host +
        '\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await stalled.until((text) => text.includes('\r\n\r\n'));
    socket.write(
      maskedTextFrame(
        JSON.stringify({
          appId,
          type: 'auth',
          sender: who.uid,
          deviceId: 'stalled',
          body: { auth: who.jwt, deviceId: 'stalled' },
        }),
      ),
    );
    await stalled.until((text) => text.includes('"status":"OK"'));
    socket.pause(); // from here on, nothing is read
    return stalled;
  }

  /** Reads again and returns the code of the close frame the gateway sent. */
  async closeCode(): Promise<number> {
    this.socket.resume();
    const end = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    await end;
    // The last frame on the wire is the close frame: 0x88, length, then the 2-byte code.
    const at = this.received.lastIndexOf(0x88);
    return this.received.readUInt16BE(at + 2);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async until(match: (text: string) => boolean): Promise<void> {
    await eventually(async () => {
      expect(match(this.received.toString('latin1'))).toBe(true);
    });
  }
}

/** One client-to-server text frame (clients must mask). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}
