import { Backoff, BackoffOptions } from './backoff';
import { ParleyError } from './rest-transport';
import { TypedEmitter } from './typed-emitter';

/** The part of the WebSocket API the SDK uses: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // Handlers take `never`, so both the DOM's and `ws`'s event classes fit; the SDK reads only
  // `data` of a message event and `code` of a close event.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `connecting` covers the TCP/TLS open and the `auth` frame; `reconnecting` the wait before a retry. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export type Frame = Record<string, unknown> & {
  type?: string;
  action?: string;
  body?: unknown;
  deviceId?: string;
};

export interface RealtimeConnectionOptions {
  /** ws:// or wss:// URL of the gateway's socket. */
  url: string;
  appId: string;
  uid: string;
  /** This session's id: sent as `deviceId`; frames it caused do not come back. */
  sessionId: string;
  /** The JWT for the auth frame; `fresh` asks for a new one (after the server refused the last). */
  jwt(fresh: boolean): Promise<string>;
  WebSocket?: WebSocketConstructor;
  /** `ALL_USERS`, `ROLES` (with `roles`), `FRIENDS`, or none. */
  presenceSubscription?: 'ALL_USERS' | 'ROLES' | 'FRIENDS';
  roles?: string[];
  /** Keep-alive: a ping this often, and a socket with no pong this long after it is dead. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  reconnect?: BackoffOptions;
}

export interface RealtimeConnectionEvents extends Record<string, unknown> {
  state: ConnectionState;
  frame: Frame;
  /** Each accepted `auth`: `resumed` after a reconnect. */
  authenticated: { resumed: boolean };
  error: unknown;
}

const OPEN = 1;
/** Close codes after which retrying with the same credential cannot help. */
const UNAUTHENTICATED = 4401;

/**
 * One logical real-time connection: opens the socket, authenticates it, keeps it alive with
 * pings, and reopens it with exponential backoff whenever it drops, until `close()`.
 */
export class RealtimeConnection extends TypedEmitter<RealtimeConnectionEvents> {
  private socket?: WebSocketLike;
  private current: ConnectionState = 'idle';
  private readonly backoff: Backoff;
  private everAuthenticated = false;
  private refusedOnce = false;
  private pingTimer?: ReturnType<typeof setInterval>;
  private pongTimer?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private readonly WebSocketImpl: WebSocketConstructor;

  constructor(private readonly options: RealtimeConnectionOptions) {
    super();
    const impl =
      options.WebSocket ??
      (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ??
      undefined;
    if (!impl) throw new Error('no WebSocket: pass one in the options (in Node 20, `ws`)');
    this.WebSocketImpl = impl;
    this.backoff = new Backoff({ initialMs: 250, maxMs: 10_000, ...options.reconnect });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Opens and authenticates; resolves on the first `auth` OK, rejects if it is refused. */
  open(): Promise<void> {
    if (this.current === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offAuth = this.once('authenticated', () => {
        offState();
        resolve();
      });
      const offState = this.on('state', (s) => {
        if (s === 'closed') {
          offAuth();
          offState();
          reject(new ParleyError('ERR_WEBSOCKET_CLOSED', 'the real-time connection closed', 0));
        }
      });
      if (this.current === 'idle' || this.current === 'closed') this.dial();
    });
  }

  /** Sends a frame; refuses when the socket is not authenticated (as CometChat's SDK does). */
  send(frame: Frame): void {
    if (this.current !== 'open' || !this.socket || this.socket.readyState !== OPEN)
      throw new ParleyError('NO_WEBSOCKET_CONNECTION', 'the real-time connection is not open', 0);
    this.socket.send(JSON.stringify(frame));
  }

  /** Closes for good (no reconnect). */
  close(): void {
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    this.setState('closed');
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'closed by the client');
    }
  }

  /**
   * Drops the current socket as if the network had, and reconnects: what the keep-alive does to a
   * socket that stopped answering (its close handshake may never finish, so it is not awaited).
   */
  drop(): void {
    const socket = this.socket;
    if (!socket) return; // already reconnecting, or closed
    this.socket = undefined;
    socket.onclose = socket.onmessage = null;
    socket.close(4000, 'dropped by the client');
    this.clearTimers();
    this.scheduleReconnect();
  }

  private dial(): void {
    this.clearTimers();
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(this.options.url);
    } catch (err) {
      this.emit('error', err);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => void this.authenticate(socket);
    socket.onmessage = (event: { data: unknown }) => this.onMessage(socket, event.data);
    socket.onerror = () => undefined; // a failure shows as a close
    socket.onclose = (event: { code: number }) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.clearTimers();
      if (event.code === UNAUTHENTICATED && this.refusedOnce) {
        this.emit(
          'error',
          new ParleyError(
            'AUTH_ERR_WEBSOCKET',
            `the gateway refused the session (${event.code})`,
            401,
          ),
        );
        this.setState('closed');
        return;
      }
      this.refusedOnce = event.code === UNAUTHENTICATED;
      this.scheduleReconnect();
    };
  }

  private async authenticate(socket: WebSocketLike): Promise<void> {
    const o = this.options;
    let jwt: string;
    try {
      jwt = await o.jwt(this.refusedOnce);
    } catch (err) {
      this.emit('error', err);
      // The session itself is gone (token deleted, user deactivated): no retry can help.
      if (err instanceof ParleyError && !err.retryable) this.close();
      else socket.close(4000, 'no jwt');
      return;
    }
    if (this.socket !== socket || socket.readyState !== OPEN) return;
    socket.send(
      JSON.stringify({
        appId: o.appId,
        deviceId: o.sessionId,
        type: 'auth',
        sender: o.uid,
        body: {
          auth: jwt,
          deviceId: o.sessionId,
          ...(o.presenceSubscription ? { presenceSubscription: o.presenceSubscription } : {}),
          ...(o.roles ? { roles: o.roles } : {}),
          params: { platform: 'parley-sdk' },
        },
      }),
    );
  }

  private onMessage(socket: WebSocketLike, data: unknown): void {
    if (this.socket !== socket) return;
    let frame: Frame;
    try {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
      frame = JSON.parse(text) as Frame;
    } catch (err) {
      this.emit('error', err);
      return;
    }
    if (frame.action === 'pong') {
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
      return;
    }
    if (frame.type === 'auth') {
      const body = (frame.body ?? {}) as { status?: string };
      if (body.status === 'OK') {
        this.refusedOnce = false;
        this.backoff.reset();
        this.setState('open');
        this.startKeepAlive(socket);
        const resumed = this.everAuthenticated;
        this.everAuthenticated = true;
        this.emit('authenticated', { resumed });
      }
      return; // a refusal is followed by a close, handled there
    }
    this.emit('frame', frame);
  }

  private startKeepAlive(socket: WebSocketLike): void {
    const interval = this.options.pingIntervalMs ?? 15_000;
    const timeout = this.options.pongTimeoutMs ?? 5_000;
    this.pingTimer = setInterval(() => {
      if (this.socket !== socket || socket.readyState !== OPEN) return;
      socket.send(JSON.stringify({ action: 'ping', ack: 'true' }));
      if (!this.pongTimer) this.pongTimer = setTimeout(() => this.drop(), timeout);
    }, interval);
  }

  private scheduleReconnect(): void {
    if (this.current === 'closed') return; // closed for good
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.dial();
    }, this.backoff.next());
  }

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.retryTimer);
    this.pingTimer = this.pongTimer = this.retryTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.emit('state', state);
  }
}
