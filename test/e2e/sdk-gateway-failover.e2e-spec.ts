import { rmSync } from 'node:fs';
import type { BaseMessage, TextMessage } from '@cometchat/chat-sdk-javascript';
import { appWithUsers } from '../sdk/support/sdk-app';
import { SdkClient, SdkTarget } from '../sdk/support/sdk-client';
import { AppKeys } from './support/parley';
import { TcpBalancer } from './support/tcp-balancer';
import {
  https,
  makeTlsCertificate,
  startTlsGateway,
  TlsCertificate,
  TlsGateway,
} from './support/tls-gateway';

/**
 * CometChat's SDK behind a load balancer in front of two gateways (the ingress of a real
 * deployment): when the gateway holding a client dies (SIGKILL, no goodbye), the SDK reconnects
 * through the balancer to the other one, and an app that fetches what it missed, as CometChat apps
 * do when their connection listener reports the reconnection, shows every message once, in order.
 * The gateways are this file's own, so killing one disturbs no other suite.
 */

jest.setTimeout(120_000);

let certificate: TlsCertificate;
let balancer: TcpBalancer;
let gateways: TlsGateway[] = [];
const clients: SdkClient[] = [];

beforeAll(async () => {
  certificate = makeTlsCertificate();
  balancer = await TcpBalancer.listen();
  // Both present the same certificate and advertise the balancer, as gateways behind an ingress.
  const publicUrl = `https://127.0.0.1:${balancer.port}`;
  gateways = await Promise.all([0, 1].map(() => startTlsGateway({}, { certificate, publicUrl })));
  balancer.setBackends(gateways.map((g) => g.port));
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await balancer?.close();
  await Promise.all(gateways.map((g) => g.stop()));
  rmSync(certificate.dir, { recursive: true, force: true });
});

const throughBalancer = (app: AppKeys): SdkTarget => ({
  appId: app.appId,
  host: `127.0.0.1:${balancer.port}`,
  ca: gateways[0].ca,
});

/** Sockets a gateway holds, from its /metrics. */
async function socketsOn(gateway: TlsGateway): Promise<number> {
  const res = await https(gateway.ca, 'GET', `${gateway.base}/metrics`);
  const line = String(res.body)
    .split('\n')
    .find((l) => l.startsWith('parley_realtime_sockets '));
  return Number(line?.split(' ')[1] ?? NaN);
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Shown {
  id: string;
  seq: number;
  text: string;
  via: 'live' | 'reconnect fetch' | 'seq gap fetch';
}

/** Parley's `seq` on a message object (the SDK keeps the fields it does not know). */
const seqOf = (m: BaseMessage) => (m as unknown as { seq: number }).seq;

/**
 * One conversation as a CometChat app shows it: live messages as they come; after a
 * reconnection, what came after the last message shown (`MessagesRequestBuilder` with
 * `setMessageId`); and when a live message's `seq` skips, the missing range (`fromSeq`/`toSeq`,
 * Parley's addition). Steps run one at a time, so the view only ever grows by the next seq.
 */
class ConversationView {
  readonly shown: Shown[] = [];
  readonly liveIds: string[] = [];
  readonly errors: unknown[] = [];
  reconnections = 0;
  private queue = Promise.resolve();

  constructor(
    private readonly client: SdkClient,
    private readonly peer: string,
    private readonly authToken: string,
  ) {
    client.on('onTextMessageReceived', (m) => this.enqueue(() => this.live(m as TextMessage)));
    client.on('onConnected', () => this.enqueue(() => this.reconnected()));
  }

  get lastSeq(): number {
    return this.shown.at(-1)?.seq ?? 0;
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch((err: unknown) => void this.errors.push(err));
  }

  private async live(m: TextMessage): Promise<void> {
    if (m.getSender().getUid() !== this.peer) return;
    this.liveIds.push(String(m.getId()));
    const seq = seqOf(m);
    if (seq <= this.lastSeq) return; // fetched already
    if (seq > this.lastSeq + 1) await this.fetchSeqRange(this.lastSeq + 1, seq - 1);
    this.show([m], 'live');
  }

  private async reconnected(): Promise<void> {
    this.reconnections += 1;
    const { CometChat } = this.client;
    const builder = new CometChat.MessagesRequestBuilder().setUID(this.peer).setLimit(50);
    const last = this.shown.at(-1);
    if (last) builder.setMessageId(Number(last.id));
    const request = builder.build();
    for (;;) {
      const page = (await request.fetchNext()) as BaseMessage[];
      if (!page.length) break;
      this.show(page, 'reconnect fetch');
    }
  }

  private async fetchSeqRange(from: number, to: number): Promise<void> {
    const res = await https(
      this.client.target.ca,
      'GET',
      `https://${this.client.target.host}/v3.0/users/${this.peer}/messages?fromSeq=${from}&toSeq=${to}&affix=append`,
      { appid: this.client.target.appId, authtoken: this.authToken },
    );
    const page = (res.body as { data: Array<{ id: string; seq: number; data: { text: string } }> })
      .data;
    expect(page.map((m) => m.seq)).toEqual(range(from, to));
    for (const m of page)
      this.shown.push({ id: m.id, seq: m.seq, text: m.data.text, via: 'seq gap fetch' });
  }

  private show(messages: BaseMessage[], via: Shown['via']): void {
    for (const m of messages) {
      const seq = seqOf(m);
      if (seq <= this.lastSeq) continue; // came live and in a fetch: shown once
      if (seq !== this.lastSeq + 1)
        throw new Error(`a hole before seq ${seq} (last shown ${this.lastSeq}) via ${via}`);
      this.shown.push({ id: String(m.getId()), seq, text: (m as TextMessage).getText(), via });
    }
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Sends `#n` with a fixed muid, again until it is acknowledged (a retry returns the original). */
async function sendNumbered(sender: SdkClient, to: string, n: number, muid: string) {
  const { CometChat } = sender;
  for (let attempt = 1; ; attempt++) {
    const message = new CometChat.TextMessage(to, `#${n}`, CometChat.RECEIVER_TYPE.USER);
    message.setMuid(muid);
    try {
      return (await CometChat.sendMessage(message)) as TextMessage;
    } catch (err) {
      // The request may have been on a connection to the gateway that died.
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

it('moves the clients of a killed gateway to the other without losing or repeating a message', async () => {
  const app = await appWithUsers('alice', 'bob');
  const target = throughBalancer(app);
  const bob = await SdkClient.login(target, 'bob', { authKey: app.authKey });
  clients.push(bob);
  // Which gateway the balancer gave bob's socket to: the one that holds a socket.
  const [victim, survivor] = await eventually('bob on a gateway', async () => {
    const counts = await Promise.all(gateways.map(socketsOn));
    if (counts[0] === 1 && counts[1] === 0) return [gateways[0], gateways[1]];
    if (counts[0] === 0 && counts[1] === 1) return [gateways[1], gateways[0]];
    return undefined;
  });
  const alice = await SdkClient.login(target, 'alice', { authKey: app.authKey });
  clients.push(alice);
  const bobUser = await bob.CometChat.getLoggedinUser();
  const view = new ConversationView(bob, 'alice', bobUser!.getAuthToken());

  const sent: TextMessage[] = [];
  let n = 0;
  const send = async () => {
    n += 1;
    sent.push(await sendNumbered(alice, 'bob', n, `failover-${app.appId}-${n}`));
  };
  for (let i = 0; i < 10; i++) await send();
  await eventually('the first messages live', async () => (view.lastSeq === 10 ? true : undefined));

  victim.process.kill('SIGKILL');
  // Alice keeps sending while bob's SDK notices, waits its retry interval and reconnects, and
  // until bob has seen messages live again on the surviving gateway.
  const liveBeforeKill = view.liveIds.length;
  await eventually(
    'bob reconnected and receiving live',
    async () => {
      await send();
      await new Promise((r) => setTimeout(r, 100));
      return view.reconnections > 0 && view.liveIds.length >= liveBeforeKill + 3 && n >= 30
        ? true
        : undefined;
    },
    60_000,
  );
  await eventually('every message shown', async () =>
    view.shown.length >= sent.length ? true : undefined,
  );

  expect(view.errors).toEqual([]);
  // Every message exactly once, in seq order, as sent.
  expect(view.shown.map((m) => m.seq)).toEqual(range(1, sent.length));
  expect(view.shown.map((m) => m.id)).toEqual(sent.map((m) => String(m.getId())));
  expect(view.shown.map((m) => m.text)).toEqual(range(1, sent.length).map((i) => `#${i}`));
  // Parley pushed no message twice, and the gap was filled by fetching (the gateway was down).
  expect(new Set(view.liveIds).size).toBe(view.liveIds.length);
  expect(view.shown.some((m) => m.via !== 'live')).toBe(true);
  // Both clients are now on the surviving gateway.
  await eventually('both sockets on the survivor', async () =>
    (await socketsOn(survivor)) === 2 ? true : undefined,
  );
  expect(bob.CometChat.getConnectionStatus()).toBe('connected');
});
