import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { DomainError } from '@parley/common';
import { AuthFrame, REALTIME_CLOSE, RealtimePrincipal } from '@parley/contracts';
import { ClientReceipts } from './client-receipts';
import { ClientFrameRelay } from './client-frame-relay';
import { ClientSession } from './client-session';
import { ConnectionRegistry } from './connection-registry';
import { RealtimeAuth } from './realtime-auth';
import { SessionPresence } from './session-presence';
import { TEST_LIMITS } from './testing/realtime.fakes';

/** A ws socket stand-in: records what the session sent and how it closed it. */
class FakeSocket extends EventEmitter {
  readonly sent: unknown[] = [];
  closed?: { code: number; reason: string };
  terminated = false;
  pings = 0;
  bufferedAmount = 0;

  send(data: string | Buffer) {
    this.sent.push(JSON.parse(data.toString()));
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  terminate() {
    this.terminated = true;
  }
  ping() {
    this.pings += 1;
  }
  /** The client sends a text frame. */
  frame(value: unknown) {
    this.emit(
      'message',
      Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
      false,
    );
  }
}

const ALICE: RealtimePrincipal = { appId: 'app1', uid: 'alice', tokenHash: 'h1' };

const authFrame = (over: Partial<AuthFrame> = {}) => ({
  appId: 'app1',
  deviceId: 'envelope-session',
  type: 'auth',
  sender: 'alice',
  body: {
    auth: 'a.b.c',
    deviceId: 'WEB-4_2_0-session',
    presenceSubscription: 'ALL_USERS',
    params: { platform: 'javascript' },
  },
  ...over,
});

function setup() {
  const ws = new FakeSocket();
  const auth = {
    verify: jest.fn(async (_f: AuthFrame): Promise<RealtimePrincipal> => ALICE),
    claimed: jest.fn((_f: AuthFrame) => ({ appId: 'app1', uid: 'alice' }) as const),
  };
  const hold = { appId: 'app1', uid: 'alice', release: jest.fn() };
  const registry = {
    hold: jest.fn((_appId: string, _uid: string) => hold),
    register: jest.fn(async (_c: unknown, _h?: unknown) => undefined),
    unregister: jest.fn((_c: unknown) => undefined),
  };
  const receipts = { mark: jest.fn(async (_c: unknown, _f: unknown) => undefined) };
  const presence = {
    follow: jest.fn(async (_c: unknown) => undefined),
    opened: jest.fn((_c: unknown) => undefined),
    closed: jest.fn((_c: unknown) => undefined),
  };
  const relay = {
    handles: (type: unknown) => type === 'typing_indicator' || type === 'transient_message',
    relay: jest.fn(async (_c: unknown, _f: unknown) => undefined),
  };
  const log = { debug: jest.fn(), error: jest.fn(), warn: jest.fn() };
  const session = new ClientSession(ws as unknown as WebSocket, {
    auth: auth as unknown as RealtimeAuth,
    registry: registry as unknown as ConnectionRegistry,
    receipts: receipts as unknown as ClientReceipts,
    presence: presence as unknown as SessionPresence,
    relay: relay as unknown as ClientFrameRelay,
    limits: TEST_LIMITS,
    log: log as unknown as Logger,
  });
  session.start();
  return { ws, auth, hold, registry, receipts, presence, relay, session };
}

/** Let pending promise callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('ClientSession', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('answers ping with pong, before and after auth', async () => {
    const { ws } = setup();
    ws.frame({ action: 'ping', ack: 'true' });
    expect(ws.sent).toEqual([{ action: 'pong' }]);
    ws.frame(authFrame());
    await settle();
    ws.frame({ action: 'ping', ack: 'true' });
    expect(ws.sent.at(-1)).toEqual({ action: 'pong' });
    expect(ws.closed).toBeUndefined();
  });

  it('authenticates: registers the socket under its session id, then answers OK', async () => {
    const { ws, auth, registry, session } = setup();
    ws.frame(authFrame());
    await settle();
    expect(auth.verify).toHaveBeenCalledWith(
      expect.objectContaining({ body: expect.objectContaining({ auth: 'a.b.c' }) }),
    );
    expect(registry.register).toHaveBeenCalledWith(session, expect.anything());
    expect(session).toMatchObject({ appId: 'app1', uid: 'alice', tokenHash: 'h1' });
    // The body's session id wins over the envelope's: it is what frames echo.
    expect(session.deviceId).toBe('WEB-4_2_0-session');
    expect(ws.sent).toEqual([
      { appId: 'app1', type: 'auth', sender: 'alice', body: { status: 'OK', code: '200' } },
    ]);
    jest.advanceTimersByTime(TEST_LIMITS.authTimeoutMs * 2);
    expect(ws.closed).toBeUndefined();
  });

  it("loads the JWT's user while the JWT is checked, and lets go of the hold once registered", async () => {
    const { ws, auth, hold, registry } = setup();
    let answer: (p: RealtimePrincipal) => void = () => undefined;
    auth.verify.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    ws.frame(authFrame());
    await settle();
    // Held from the JWT's claims before the check answered; nothing registered yet.
    expect(registry.hold).toHaveBeenCalledWith('app1', 'alice');
    expect(registry.register).not.toHaveBeenCalled();
    expect(hold.release).not.toHaveBeenCalled();
    answer(ALICE);
    await settle();
    expect(registry.register).toHaveBeenCalledWith(expect.anything(), hold);
    expect(hold.release).toHaveBeenCalled();
    expect(ws.sent).toEqual([expect.objectContaining({ body: { status: 'OK', code: '200' } })]);
  });

  it('lets go of the hold when the JWT is refused, and holds nothing for a JWT naming no user', async () => {
    const refused = setup();
    refused.auth.verify.mockRejectedValueOnce(new DomainError('AUTH_ERR_INVALID_JWT'));
    refused.ws.frame(authFrame());
    await settle();
    expect(refused.hold.release).toHaveBeenCalled();
    expect(refused.registry.register).not.toHaveBeenCalled();

    const anonymous = setup();
    anonymous.auth.claimed.mockReturnValueOnce(undefined as never);
    anonymous.ws.frame(authFrame());
    await settle();
    expect(anonymous.registry.hold).not.toHaveBeenCalled();
    expect(anonymous.registry.register).toHaveBeenCalledWith(anonymous.session, undefined);
  });

  it('follows presence while registering, and reports the socket only once both are done', async () => {
    const { ws, registry, presence, session } = setup();
    let registered: () => void = () => undefined;
    registry.register.mockImplementationOnce(
      () => new Promise<undefined>((r) => (registered = () => r(undefined))),
    );
    ws.frame(authFrame());
    await settle();
    expect(presence.follow).toHaveBeenCalledWith(session);
    expect(presence.opened).not.toHaveBeenCalled();
    expect(ws.sent).toEqual([]);
    registered();
    await settle();
    expect(presence.opened).toHaveBeenCalledWith(session);
    expect(ws.sent).toHaveLength(1);
  });

  it('does not report to presence a socket whose registration was refused', async () => {
    const { ws, registry, presence, session } = setup();
    registry.register.mockRejectedValueOnce(new DomainError('AUTH_ERR_AUTH_TOKEN_NOT_FOUND'));
    ws.frame(authFrame());
    await settle();
    expect(ws.sent[0]).toMatchObject({ type: 'auth', body: { status: 'ERROR', code: '401' } });
    expect(presence.opened).not.toHaveBeenCalled();
    expect(presence.closed).toHaveBeenCalledWith(session);
  });

  it("hands an open socket's receipts frames to the receipts, never a frame before auth", async () => {
    const { ws, receipts, session } = setup();
    const receipt = {
      type: 'receipts',
      receiver: 'bob',
      receiverType: 'user',
      body: { action: 'read', messageId: '7' },
    };
    ws.frame(receipt);
    expect(receipts.mark).not.toHaveBeenCalled();
    const { ws: ws2, receipts: receipts2, session: session2 } = setup();
    ws2.frame(authFrame());
    await settle();
    ws2.frame(receipt);
    expect(receipts2.mark).toHaveBeenCalledWith(session2, expect.objectContaining(receipt));
    expect(session).not.toBe(session2);
  });

  it('takes the envelope session id when the body has none', async () => {
    const { ws, session } = setup();
    const f = authFrame();
    ws.frame({ ...f, body: { auth: f.body.auth } });
    await settle();
    expect(session.deviceId).toBe('envelope-session');
  });

  it('refuses a bad JWT with an auth error frame and closes 4401', async () => {
    const { ws, auth, registry } = setup();
    auth.verify.mockRejectedValueOnce(new DomainError('AUTH_ERR_INVALID_JWT'));
    ws.frame(authFrame());
    await settle();
    expect(ws.sent).toEqual([
      {
        type: 'auth',
        body: {
          status: 'ERROR',
          code: '401',
          error: { code: 'AUTH_ERR_INVALID_JWT', message: expect.any(String) },
        },
      },
    ]);
    expect(ws.closed?.code).toBe(REALTIME_CLOSE.unauthenticated);
    expect(registry.register).not.toHaveBeenCalled();
  });

  it('refuses an auth frame without a JWT', async () => {
    const { ws, auth } = setup();
    ws.frame({ type: 'auth', body: {} });
    await settle();
    expect(auth.verify).not.toHaveBeenCalled();
    expect(ws.closed?.code).toBe(REALTIME_CLOSE.unauthenticated);
  });

  it('asks the client to come back later (1013) when a service did not answer', async () => {
    const { ws, registry } = setup();
    registry.register.mockRejectedValueOnce(new DomainError('ERR_SERVICE_UNAVAILABLE'));
    ws.frame(authFrame());
    await settle();
    expect(ws.sent[0]).toMatchObject({ type: 'auth', body: { status: 'ERROR', code: '503' } });
    expect(ws.closed?.code).toBe(REALTIME_CLOSE.tryAgainLater);
  });

  it('answers a frame before auth with an error and closes 4401', () => {
    const { ws } = setup();
    ws.frame({ type: 'typing_indicator', body: { action: 'started' } });
    expect(ws.sent).toEqual([
      {
        type: 'error',
        body: { error: { code: 'AUTH_ERR_NO_ACCESS', message: expect.any(String) } },
      },
    ]);
    expect(ws.closed?.code).toBe(REALTIME_CLOSE.unauthenticated);
  });

  it.each([
    ['not JSON', '{"type":'],
    ['a JSON string', '"auth"'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
  ])('closes 4400 on a frame that is %s', (_case, text) => {
    const { ws } = setup();
    ws.frame(text);
    expect(ws.closed?.code).toBe(REALTIME_CLOSE.badFrame);
  });

  it('closes 4408 when no auth frame comes in time', () => {
    const { ws } = setup();
    jest.advanceTimersByTime(TEST_LIMITS.authTimeoutMs - 1);
    expect(ws.closed).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(ws.closed?.code).toBe(REALTIME_CLOSE.authTimeout);
    jest.advanceTimersByTime(TEST_LIMITS.closeGraceMs);
    expect(ws.terminated).toBe(true); // the peer never finished the close handshake
  });

  it('cuts a socket that missed a heartbeat pong', () => {
    const { ws, session } = setup();
    session.heartbeat();
    expect(ws.pings).toBe(1);
    ws.emit('pong');
    session.heartbeat();
    expect(ws.terminated).toBe(false);
    session.heartbeat();
    expect(ws.terminated).toBe(true);
  });

  it('lets go of the registry when the socket closes, and sends nothing more', async () => {
    const { ws, registry, session } = setup();
    ws.frame(authFrame());
    await settle();
    ws.emit('close', 1000, Buffer.from(''));
    expect(registry.unregister).toHaveBeenCalledWith(session);
    session.send(Buffer.from('{"type":"message"}'));
    expect(ws.sent).toHaveLength(1); // only the auth answer
  });

  it('follows the presence the auth frame asks for, and ends it when the socket closes', async () => {
    const { ws, presence, session } = setup();
    ws.frame(
      authFrame({ body: { auth: 'a.b.c', presenceSubscription: 'ROLES', roles: ['Admin'] } }),
    );
    await settle();
    expect(session.presenceSubscription).toEqual({ kind: 'roles', roles: ['admin'] });
    expect(presence.opened).toHaveBeenCalledWith(session);
    ws.emit('close', 1000, Buffer.from(''));
    expect(presence.closed).toHaveBeenCalledWith(session);
  });

  it('relays typing and transient frames once authenticated, and ignores others', async () => {
    const { ws, relay, session } = setup();
    ws.frame(authFrame());
    await settle();
    const typing = { type: 'typing_indicator', receiver: 'bob', receiverType: 'user', body: {} };
    ws.frame(typing);
    ws.frame({ type: 'transient_message', receiver: 'bob', receiverType: 'user', body: {} });
    ws.frame({ type: 'something_else', body: {} });
    expect(relay.relay).toHaveBeenCalledTimes(2);
    expect(relay.relay).toHaveBeenCalledWith(session, typing);
    expect(ws.closed).toBeUndefined();
  });

  it('does not answer OK to a socket that closed while authenticating', async () => {
    const { ws, auth, registry } = setup();
    let answer: (p: RealtimePrincipal) => void = () => undefined;
    auth.verify.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    ws.frame(authFrame());
    ws.emit('close', 1006, Buffer.from(''));
    answer(ALICE);
    await settle();
    expect(ws.sent).toEqual([]);
    expect(registry.register).not.toHaveBeenCalled();
  });
});
