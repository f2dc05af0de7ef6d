import { connect, NatsConnection } from 'nats';
import WebSocket, { ClientOptions } from 'ws';
import { AppClient, AppKeys, http } from './parley';

/**
 * The client side of the CometChat login and WebSocket, as the SDK does it (realtime reference
 * §4-§5): an auth token with the auth key, `PUT /v3.0/me` for the JWT, then a socket whose first
 * frame is `auth`.
 */

export interface Login {
  uid: string;
  authToken: string;
  jwt: string;
  settings: Record<string, unknown>;
}

/** Creates the user (REST key) and logs in as the SDK does; `gateway` serves the login. */
export async function login(app: AppKeys, uid: string, gateway?: string): Promise<Login> {
  const rest = AppClient.rest(app, gateway);
  const created = await rest.post('/users', { uid, name: `User ${uid}` });
  if (created.status !== 200 && created.status !== 409)
    throw new Error(`create user failed: ${JSON.stringify(created.body)}`);
  const token = await http<{ data: { authToken: string } }>(
    'POST',
    `${rest.gateway}/v3.0/users/${uid}/auth_tokens`,
    { headers: { appid: app.appId, apikey: app.authKey }, body: { platform: 'WEB' } },
  );
  const me = await http<{ data: Login }>('PUT', `${rest.gateway}/v3.0/me`, {
    headers: { appid: app.appId, authtoken: token.body.data.authToken },
    body: { platform: 'WEB' },
  });
  if (me.status !== 200) throw new Error(`PUT /me failed: ${JSON.stringify(me.body)}`);
  return { ...me.body.data, uid };
}

export type Frame = Record<string, unknown> & { type?: string; action?: string; body?: unknown };

/** A `presence` frame about `uid` (with that `action`, when given). */
export const presenceOf = (uid: string, action?: string) => (f: Frame) =>
  f.type === 'presence' &&
  (f.body as PresenceFrameBody).user.uid === uid &&
  (action === undefined || (f.body as PresenceFrameBody).action === action);

/** The presence actions a socket heard about `uid`, in order. */
export const heardAbout = (s: TestSocket, uid: string) =>
  s.frames.filter(presenceOf(uid)).map((f) => (f.body as PresenceFrameBody).action);

export type PresenceFrameBody = {
  action: string;
  user: { uid: string; name?: string; status?: string };
  timestamp: number;
};

/** Whose presence a socket follows: `ALL_USERS`, `ROLES` with `roles`, `FRIENDS`, or nothing. */
export type PresenceChoice = { presenceSubscription?: string; roles?: string[] };

/** A WebSocket that records frames and lets a test wait for the one it expects. */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      for (const w of [...this.waiters]) {
        if (w.match(frame)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => undefined); // a refused upgrade or a reset shows as a close
  }

  /** Opens a socket on `url` (http(s) URLs become ws(s)). */
  static open(url: string, options?: ClientOptions): Promise<TestSocket> {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), options);
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
  }

  /** Opens a socket and authenticates it with the SDK's auth frame; resolves with the answer. */
  static async authenticated(
    url: string,
    who: Login,
    appId: string,
    deviceId: string,
    options?: ClientOptions,
    presence?: PresenceChoice,
  ): Promise<TestSocket> {
    const socket = await TestSocket.open(url, options);
    const answer = await socket.auth(who.jwt, appId, who.uid, deviceId, presence);
    if ((answer.body as { status?: string }).status !== 'OK')
      throw new Error(`auth refused: ${JSON.stringify(answer)}`);
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The SDK's auth frame (realtime reference §5); `presence` is what the SDK's
   * `subscribePresenceFor…` puts in it (all users unless told).
   */
  auth(
    jwt: string,
    appId: string,
    uid: string,
    deviceId: string,
    presence: PresenceChoice = { presenceSubscription: 'ALL_USERS' },
  ): Promise<Frame> {
    this.send({
      appId,
      deviceId,
      type: 'auth',
      sender: uid,
      body: {
        auth: jwt,
        deviceId,
        ...presence,
        params: {
          appInfo: { version: '4.2.0', apiVersion: 'v3.0', origin: 'http://localhost', uts: 1 },
          userAgent: 'jest',
          deviceId: `${appId}_device`,
          platform: 'javascript',
        },
      },
    });
    return this.next((f) => f.type === 'auth');
  }

  /** The first frame (already received or still to come) that matches. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`),
        );
      }, timeoutMs);
      const done = (f: Frame) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Sends a ping and waits for the pong: the socket is alive and its frames are in order. */
  async roundTrip(): Promise<void> {
    const before = this.frames.length;
    this.send({ action: 'ping', ack: 'true' });
    await this.next((f) => f.action === 'pong' && this.frames.indexOf(f) >= before);
  }

  /** Resolves with the close, or rejects if the socket is still open after `timeoutMs`. */
  async closedWithin(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.closed,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`socket still open after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** A NATS connection to publish delivery frames as messaging does. */
export function natsPublisher(): Promise<NatsConnection> {
  return connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
}

/** Publishes a frame as JSON and waits until the server has it. */
export async function publishFrame(nc: NatsConnection, subject: string, frame: unknown) {
  nc.publish(subject, new TextEncoder().encode(JSON.stringify(frame)));
  await nc.flush();
}
