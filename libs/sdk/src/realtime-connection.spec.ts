import {
  RealtimeConnection,
  RealtimeConnectionOptions,
  WebSocketLike,
} from './realtime-connection';
import { ParleyError } from './rest-transport';

/** A WebSocket under the test's control: it opens when told, and records what the client sends. */
class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closedWith?: number;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    (this.onopen as unknown as () => void)?.();
  }

  frame(frame: unknown): void {
    (this.onmessage as unknown as (e: { data: string }) => void)?.({ data: JSON.stringify(frame) });
  }

  serverClose(code: number): void {
    this.readyState = 3;
    (this.onclose as unknown as (e: { code: number; reason: string }) => void)?.({
      code,
      reason: '',
    });
  }

  authOk(): void {
    this.frame({ type: 'auth', body: { status: 'OK', code: '200' } });
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1];
const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

/** Opens the connection and lets the gateway accept its auth frame; the socket it used. */
async function openAuthenticated(conn: RealtimeConnection): Promise<FakeSocket> {
  const opened = conn.open();
  const socket = latest();
  socket.open();
  await until(() => socket.sent.length === 1);
  socket.authOk();
  await opened;
  return socket;
}

function connection(overrides: Partial<RealtimeConnectionOptions> = {}) {
  const jwt = jest.fn(async (fresh: boolean) => (fresh ? 'jwt-fresh' : 'jwt-1'));
  const conn = new RealtimeConnection({
    url: 'wss://chat.example.com/ws',
    appId: 'app1',
    uid: 'alice',
    sessionId: 'session-1',
    jwt,
    WebSocket: FakeSocket,
    presenceSubscription: 'ALL_USERS',
    reconnect: { initialMs: 1, maxMs: 1, jitter: 0 },
    ...overrides,
  });
  const states: string[] = [];
  conn.on('state', (s) => states.push(s));
  return { conn, jwt, states };
}

beforeEach(() => {
  FakeSocket.all = [];
});

describe('RealtimeConnection', () => {
  it('authenticates with the auth frame and resolves once the gateway accepts it', async () => {
    const { conn, states } = connection();
    const opened = conn.open();
    latest().open();
    await until(() => latest().sent.length === 1);
    expect(latest().sent[0]).toMatchObject({
      type: 'auth',
      appId: 'app1',
      sender: 'alice',
      deviceId: 'session-1',
      body: { auth: 'jwt-1', deviceId: 'session-1', presenceSubscription: 'ALL_USERS' },
    });
    latest().authOk();
    await opened;
    expect(states).toEqual(['connecting', 'open']);
    conn.close();
  });

  it('reconnects after the socket drops and says the session resumed', async () => {
    const { conn, states } = connection();
    const resumed: boolean[] = [];
    conn.on('authenticated', (a) => resumed.push(a.resumed));
    await openAuthenticated(conn);

    latest().serverClose(1006);
    await until(() => FakeSocket.all.length === 2);
    latest().open();
    await until(() => latest().sent.length === 1);
    latest().authOk();
    expect(resumed).toEqual([false, true]);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
    conn.close();
  });

  it('asks for a fresh JWT after a refusal, and closes for good after a second one', async () => {
    const { conn, jwt, states } = connection();
    const opened = conn.open();
    latest().open();
    await until(() => latest().sent.length === 1);
    latest().serverClose(4401);
    await until(() => FakeSocket.all.length === 2);
    latest().open();
    await until(() => latest().sent.length === 1);
    expect(jwt).toHaveBeenLastCalledWith(true);
    expect(latest().sent[0]).toMatchObject({ body: { auth: 'jwt-fresh' } });
    latest().serverClose(4401);
    await expect(opened).rejects.toBeInstanceOf(ParleyError);
    expect(states[states.length - 1]).toBe('closed');
    await tick();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('drops a socket that does not answer pings, and reconnects', async () => {
    const { conn } = connection({ pingIntervalMs: 5, pongTimeoutMs: 5 });
    const first = await openAuthenticated(conn);
    await until(() => first.sent.some((f) => f.action === 'ping'));
    await until(() => FakeSocket.all.length === 2);
    expect(first.closedWith).toBe(4000);
    conn.close();
  });

  it('keeps a socket that answers pings', async () => {
    const { conn } = connection({ pingIntervalMs: 5, pongTimeoutMs: 20 });
    const socket = await openAuthenticated(conn);
    for (let i = 0; i < 5; i++) {
      await until(() => socket.sent.filter((f) => f.action === 'ping').length > i);
      socket.frame({ action: 'pong' });
    }
    expect(FakeSocket.all).toHaveLength(1);
    conn.close();
  });

  it('refuses to send before it is open, and stays closed after close()', async () => {
    const { conn } = connection();
    expect(() => conn.send({ type: 'typing_indicator' })).toThrow(
      expect.objectContaining({ code: 'NO_WEBSOCKET_CONNECTION' }),
    );
    await openAuthenticated(conn);
    conn.send({ type: 'typing_indicator' });
    expect(latest().sent[1]).toEqual({ type: 'typing_indicator' });
    conn.close();
    expect(latest().closedWith).toBe(1000);
    await tick();
    expect(FakeSocket.all).toHaveLength(1);
    expect(conn.state).toBe('closed');
  });
});
