import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { DomainError } from '@parley/common';
import {
  AuthFrame,
  AuthFrameSchema,
  AuthReplyFrame,
  ErrorCode,
  PresenceSubscription,
  presenceSubscriptionOf,
  RealtimePrincipal,
  REALTIME_CLOSE,
} from '@parley/contracts';
import { ClientReceipts } from './client-receipts';
import { ClientFrameRelay } from './client-frame-relay';
import { Connection } from './connection';
import { ConnectionRegistry } from './connection-registry';
import { RealtimeAuth } from './realtime-auth';
import { RealtimeLimits } from './realtime-limits';
import { SessionPresence } from './session-presence';
import { writeTextFrame } from './text-frames';

type State = 'awaiting-auth' | 'authenticating' | 'open' | 'closed';

export interface SessionDeps {
  auth: RealtimeAuth;
  registry: ConnectionRegistry;
  receipts: ClientReceipts;
  presence: SessionPresence;
  relay: ClientFrameRelay;
  limits: RealtimeLimits;
  log: Logger;
}

/**
 * One client's WebSocket, speaking CometChat's real-time protocol (realtime reference §5): an
 * `auth` frame first (within the auth timeout; only pings may precede it), then frames pushed to
 * it by the registry. A frame that is not a JSON object closes the socket (4400); the ws library
 * closes one over the size limit (1009).
 */
export class ClientSession implements Connection {
  readonly connectionId = randomUUID();
  private state: State = 'awaiting-auth';
  private presence: PresenceSubscription = { kind: 'none' };
  private principal?: RealtimePrincipal;
  private session?: string;
  private alive = true;
  private authTimer?: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {}

  get appId(): string {
    return this.principal?.appId ?? '';
  }
  get uid(): string {
    return this.principal?.uid ?? '';
  }
  get tokenHash(): string {
    return this.principal?.tokenHash ?? '';
  }
  get deviceId(): string | undefined {
    return this.session;
  }
  get presenceSubscription(): PresenceSubscription {
    return this.presence;
  }
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  start(): void {
    this.authTimer = setTimeout(
      () => this.close(REALTIME_CLOSE.authTimeout, 'no auth frame in time'),
      this.deps.limits.authTimeoutMs,
    );
    this.ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.ws.on('pong', () => (this.alive = true));
    this.ws.on('close', () => this.onClosed());
    // Oversized frames and socket errors arrive here; the ws library closes the socket itself.
    this.ws.on('error', (err) => this.deps.log.debug({ err }, 'socket error'));
  }

  /** Called on every heartbeat tick: cut a socket that did not answer the previous ping. */
  heartbeat(): void {
    if (this.state === 'closed') return;
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(frame: Buffer): void {
    if (this.state !== 'open') return;
    // ws writes to its net.Socket; with no compression a frame can be queued there directly.
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (socket && !socket.destroyed && this.ws.readyState === this.ws.OPEN) {
      writeTextFrame(socket, frame);
      return;
    }
    this.ws.send(frame, { binary: false });
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.onClosed();
    this.ws.close(code, reason);
    // A peer that does not answer the close frame (it may not be reading at all) is cut.
    setTimeout(() => this.ws.terminate(), this.deps.limits.closeGraceMs).unref();
  }

  private onFrame(data: RawData, _isBinary: boolean): void {
    this.alive = true;
    if (this.state === 'closed') return;
    let frame: unknown;
    try {
      frame = JSON.parse(textOf(data));
    } catch {
      return this.close(REALTIME_CLOSE.badFrame, 'frame is not JSON');
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
      return this.close(REALTIME_CLOSE.badFrame, 'frame is not a JSON object');
    const f = frame as Record<string, unknown>;
    if (f.action === 'ping') return this.sendJson({ action: 'pong' });
    if (this.state === 'awaiting-auth') {
      if (f.type === 'auth') return void this.authenticate(f);
      this.sendJson({
        type: 'error',
        body: { error: { code: 'AUTH_ERR_NO_ACCESS', message: 'Send the auth frame first.' } },
      });
      return this.close(REALTIME_CLOSE.unauthenticated, 'not authenticated');
    }
    // Authenticating: the answer is on its way. Open: receipts are marked (messaging); typing
    // and transient messages are relayed; other client frames are ignored.
    if (this.state === 'open' && f.type === 'receipts') void this.deps.receipts.mark(this, f);
    if (this.state === 'open' && this.deps.relay.handles(f.type)) {
      this.deps.relay.relay(this, f).catch((err: unknown) => {
        this.deps.log.warn({ err }, 'client frame not relayed');
      });
    }
  }

  private async authenticate(raw: Record<string, unknown>): Promise<void> {
    const parsed = AuthFrameSchema.safeParse(raw);
    if (!parsed.success) {
      return this.refuse('401', 'AUTH_ERR_INVALID_JWT', 'The auth frame carries no JWT.');
    }
    const frame: AuthFrame = parsed.data;
    this.state = 'authenticating';
    // The user the JWT names gets their subscriptions loading while identity checks it (used
    // only if the check says that user); the hold lets go of them once this login is settled.
    const claimed = this.deps.auth.claimed(frame);
    const hold = claimed && this.deps.registry.hold(claimed.appId, claimed.uid);
    try {
      this.principal = await this.deps.auth.verify(frame);
      this.session = frame.body.deviceId ?? frame.deviceId;
      this.presence = presenceSubscriptionOf(frame.body);
      if (this.isClosed) return;
      // Its delivery and its presence subscriptions load side by side; presence hears of the
      // socket once both are in place.
      await Promise.all([this.deps.registry.register(this, hold), this.deps.presence.follow(this)]);
      if (!this.isClosed) this.deps.presence.opened(this);
    } catch (err) {
      if (this.isClosed) return;
      if (err instanceof DomainError && err.code === 'ERR_SERVICE_UNAVAILABLE') {
        return this.refuse('503', err.code, err.message, REALTIME_CLOSE.tryAgainLater);
      }
      if (err instanceof DomainError) return this.refuse('401', err.code, err.message);
      this.deps.log.error({ err }, 'socket authentication failed');
      return this.refuse('500', 'ERR_EXCEPTION', 'Internal error.', REALTIME_CLOSE.tryAgainLater);
    } finally {
      hold?.release();
    }
    if (this.isClosed) {
      this.deps.registry.unregister(this);
      this.deps.presence.closed(this);
      return;
    }
    clearTimeout(this.authTimer);
    this.state = 'open';
    const reply: AuthReplyFrame = {
      appId: this.appId,
      type: 'auth',
      sender: this.uid,
      body: { status: 'OK', code: '200' },
    };
    this.sendJson(reply);
  }

  private refuse(
    status: string,
    code: ErrorCode,
    message: string,
    closeCode: number = REALTIME_CLOSE.unauthenticated,
  ): void {
    const reply: AuthReplyFrame = {
      type: 'auth',
      body: { status: 'ERROR', code: status, error: { code, message } },
    };
    this.sendJson(reply);
    this.close(closeCode, code);
  }

  private sendJson(frame: unknown): void {
    if (this.state !== 'closed') this.ws.send(JSON.stringify(frame));
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    const wasRegistered = this.principal !== undefined;
    this.state = 'closed';
    clearTimeout(this.authTimer);
    if (wasRegistered) {
      this.deps.registry.unregister(this);
      this.deps.presence.closed(this);
    }
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
