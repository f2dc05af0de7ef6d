import { BackoffOptions, sleep } from './backoff';
import { ChatApi, newMuid } from './chat-api';
import { ConversationSync } from './conversation-sync';
import type {
  ActionMessage,
  ConversationRef,
  Message,
  PresenceChange,
  ReactionChange,
  Receipt,
  ReceiverType,
  Session,
  TransientMessage,
  TypingIndicator,
  User,
} from './models';
import {
  ConnectionState,
  Frame,
  RealtimeConnection,
  WebSocketConstructor,
} from './realtime-connection';
import { FetchLike, ParleyError, RestTransport, RestTransportOptions } from './rest-transport';
import { TypedEmitter } from './typed-emitter';

/** What a `ParleyClient` emits. */
export interface ParleyClientEvents extends Record<string, unknown> {
  /** A new message of category message, custom, interactive or call: in seq order, once. */
  message: Message;
  /** An edit: `message` as it is now, `action` the `edited` action message. */
  messageEdited: { message: Message; action: ActionMessage };
  /** A delete: `message` as it is now (with `deletedAt`), `action` the `deleted` action message. */
  messageDeleted: { message: Message; action: ActionMessage };
  /** Any other action message (group members joining, leaving, ...), in seq order. */
  groupAction: ActionMessage;
  typing: TypingIndicator;
  receipt: Receipt;
  presence: PresenceChange;
  reaction: ReactionChange;
  transient: TransientMessage;
  connection: ConnectionState;
  /** A failure the client recovers from (a read it retries, a listener that threw). */
  error: unknown;
}

export interface ClientOptions {
  /** The gateway's address, e.g. `https://chat.example.com`. */
  baseUrl: string;
  appId: string;
  /** The WebSocket URL; by default the gateway's, `ws(s)://<host>/ws`. */
  socketUrl?: string;
  /** The WebSocket class: the browser's by default; in Node 20 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  /** Whose presence changes this client hears. */
  presenceSubscription?: 'ALL_USERS' | 'ROLES' | 'FRIENDS';
  roles?: string[];
  /** Keep-alive and reconnect timings (defaults: a ping every 15 s, 5 s for the pong). */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  reconnect?: BackoffOptions;
  retry?: RestTransportOptions['retry'];
  /**
   * Where each conversation stood (`client.positions()` from an earlier run): delivery resumes
   * after these seqs instead of starting at the newest message.
   */
  positions?: Record<string, number>;
}

export type LoginCredential =
  /** Log in as `uid` with the app's Auth key (creates an auth token for this device). */
  | { uid: string; authKey: string }
  /** Log in with an auth token the application's server made (`ParleyAdmin.createAuthToken`). */
  | { authToken: string };

const CONVERSATION_PAGES = 20;

/**
 * One user's session: the REST calls with their auth token, and the real-time connection with
 * gap-free delivery by seq. `login` then `connect`; listen with `on`.
 */
export class ParleyClient extends ChatApi {
  readonly sessionId: string;
  private readonly emitter = new ClientEmitter();
  private connection?: RealtimeConnection;
  private readonly sync: ConversationSync;
  private connected = false;

  private constructor(
    private readonly options: ClientOptions,
    rest: RestTransport,
    private session: Session,
    sessionId: string,
  ) {
    super(rest, { authToken: session.authToken }, sessionId);
    this.sessionId = sessionId;
    this.sync = new ConversationSync(
      {
        fetchRange: async (ref, fromSeq, toSeq, limit) =>
          (await this.getMessages(ref, { fromSeq, toSeq, affix: 'append', limit })).messages,
        baseline: async (ref) => (await this.getConversation(ref)).readSeq,
        deliver: (m) => this.dispatch(m),
        onError: (err) => this.emitter.fire('error', err),
        wait: sleep,
      },
      { me: session.user.uid },
    );
  }

  /** Logs in (`PUT /v3.0/me`) and returns the client; `connect()` opens the real-time side. */
  static async login(options: ClientOptions, credential: LoginCredential): Promise<ParleyClient> {
    const rest = new RestTransport(options);
    const sessionId = `parley-sdk-${newMuid()}`;
    let authToken: string;
    if ('authKey' in credential) {
      const res = await rest.request<{ authToken: string }>(
        'POST',
        `/v3.0/users/${encodeURIComponent(credential.uid)}/auth_tokens`,
        { credential: { apiKey: credential.authKey }, body: { platform: 'parley-sdk' } },
      );
      authToken = res.data.authToken;
    } else {
      authToken = credential.authToken;
    }
    const session = await ParleyClient.putMe(rest, authToken, sessionId);
    return new ParleyClient(options, rest, session, sessionId);
  }

  private static async putMe(rest: RestTransport, authToken: string, sessionId: string) {
    const res = await rest.request<
      User & { authToken: string; jwt: string; settings: Record<string, unknown> }
    >('PUT', '/v3.0/me', {
      credential: { authToken },
      resource: sessionId,
      body: {},
      idempotent: true,
    });
    const { authToken: token, jwt, settings, ...user } = res.data;
    return { user: user as User, authToken: token ?? authToken, jwt, settings } satisfies Session;
  }

  /** The signed-in user. */
  get user(): User {
    return this.session.user;
  }

  get authToken(): string {
    return this.session.authToken;
  }

  get connectionState(): ConnectionState {
    return this.connection?.state ?? 'idle';
  }

  on<K extends keyof ParleyClientEvents>(
    event: K,
    listener: (payload: ParleyClientEvents[K]) => void,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  once<K extends keyof ParleyClientEvents>(
    event: K,
    listener: (payload: ParleyClientEvents[K]) => void,
  ): () => void {
    return this.emitter.once(event, listener);
  }

  off<K extends keyof ParleyClientEvents>(
    event: K,
    listener: (payload: ParleyClientEvents[K]) => void,
  ): void {
    this.emitter.off(event, listener);
  }

  /**
   * Opens the real-time connection. Resolves once it is authenticated and each conversation's
   * starting point is known: messages after it are delivered as events (in seq order, once),
   * those at or before it are history for `getMessages`. The connection then reconnects by itself
   * with backoff and fetches whatever it missed.
   */
  async connect(): Promise<void> {
    if (this.connection) return this.connection.open();
    const connection = new RealtimeConnection({
      url: this.options.socketUrl ?? defaultSocketUrl(this.options.baseUrl),
      appId: this.options.appId,
      uid: this.user.uid,
      sessionId: this.sessionId,
      WebSocket: this.options.WebSocket,
      presenceSubscription: this.options.presenceSubscription,
      roles: this.options.roles,
      pingIntervalMs: this.options.pingIntervalMs,
      pongTimeoutMs: this.options.pongTimeoutMs,
      reconnect: this.options.reconnect,
      jwt: async (fresh) => {
        if (fresh)
          this.session = await ParleyClient.putMe(this.rest, this.authToken, this.sessionId);
        return this.session.jwt;
      },
    });
    this.connection = connection;
    connection.on('state', (s) => this.emitter.fire('connection', s));
    connection.on('error', (err) => this.emitter.fire('error', err));
    connection.on('frame', (f) => this.onFrame(f));
    connection.on('authenticated', ({ resumed }) => {
      if (resumed) void this.catchUp();
    });
    // Frames that come while the starting points are read wait for them.
    this.sync.hold();
    try {
      await connection.open();
      await this.seed();
      this.connected = true;
    } catch (err) {
      this.disconnect(); // a later connect() starts over
      throw err;
    } finally {
      this.sync.release();
    }
  }

  /** Closes the real-time connection (the session stays logged in). */
  disconnect(): void {
    this.connection?.close();
    this.connection = undefined;
    this.connected = false;
  }

  /** Disconnects and deletes this session's auth token. */
  async logout(): Promise<void> {
    this.disconnect();
    await this.rest.request('DELETE', '/v3.0/me', {
      credential: { authToken: this.authToken },
      resource: this.sessionId,
    });
  }

  /** Each conversation's last delivered seq: pass it back as `positions` to resume there. */
  positions(): Record<string, number> {
    return this.sync.positions();
  }

  /** Resolves when every known gap has been read and delivered. */
  synced(): Promise<void> {
    return this.sync.idle();
  }

  /**
   * Drops the socket as a network failure would; the client reconnects and catches up. For
   * applications that know the network changed (and for tests).
   */
  reconnect(): void {
    this.connection?.drop();
  }

  override async sendMessage(...args: Parameters<ChatApi['sendMessage']>): Promise<Message> {
    const message = await super.sendMessage(...args);
    // This session's socket does not get its own send back: the reply takes its place in order.
    this.sync.receive(message, true);
    return message;
  }

  override async editMessage(...args: Parameters<ChatApi['editMessage']>): Promise<Message> {
    const action = await super.editMessage(...args);
    this.sync.receive(action, true);
    return action;
  }

  override async deleteMessage(...args: Parameters<ChatApi['deleteMessage']>): Promise<Message> {
    const action = await super.deleteMessage(...args);
    this.sync.receive(action, true);
    return action;
  }

  /** Joins a public group (or a password group with its password). */
  async joinGroup(guid: string, password?: string): Promise<Message> {
    const res = await this.call<Message>('POST', `/groups/${encodeURIComponent(guid)}/members`, {
      body: password ? { password } : {},
    });
    return res.data;
  }

  async leaveGroup(guid: string): Promise<void> {
    await this.call('DELETE', `/groups/${encodeURIComponent(guid)}/members`);
  }

  /** Typing started or ended in a conversation (over the socket; not stored). */
  startTyping(ref: ConversationRef, metadata?: Record<string, unknown>): void {
    this.sendTyping('started', ref, metadata);
  }

  endTyping(ref: ConversationRef, metadata?: Record<string, unknown>): void {
    this.sendTyping('ended', ref, metadata);
  }

  /** A transient message: relayed to the conversation's other members, never stored. */
  sendTransient(ref: ConversationRef, data: Record<string, unknown>): void {
    this.requireConnection().send({
      ...this.envelope('transient_message', ref),
      body: { data },
    });
  }

  private sendTyping(
    action: 'started' | 'ended',
    ref: ConversationRef,
    metadata?: Record<string, unknown>,
  ) {
    this.requireConnection().send({
      ...this.envelope('typing_indicator', ref),
      body: { action, ...(metadata ? { metadata } : {}) },
    });
  }

  private envelope(type: string, ref: ConversationRef): Frame {
    return {
      appId: this.options.appId,
      type,
      sender: this.user.uid,
      receiver: ref.kind === 'user' ? ref.uid : ref.guid,
      receiverType: ref.kind,
      deviceId: this.sessionId,
    };
  }

  private requireConnection(): RealtimeConnection {
    if (!this.connection) throw new ParleyError('NO_WEBSOCKET_CONNECTION', 'connect() first', 0);
    return this.connection;
  }

  /** Every conversation's newest seq (as many pages as there are, up to a bound). */
  private async listConversationSeqs() {
    const all: Array<{ id: string; ref: ConversationRef; lastSeq: number; readSeq: number }> = [];
    const perPage = 100;
    for (let page = 1; page <= CONVERSATION_PAGES; page++) {
      const items = await this.getConversations(page, perPage);
      for (const c of items) {
        const w = c.conversationWith as { uid?: string; guid?: string };
        const ref: ConversationRef =
          c.conversationType === 'group'
            ? { kind: 'group', guid: String(w.guid) }
            : { kind: 'user', uid: String(w.uid) };
        all.push({ id: c.conversationId, ref, lastSeq: c.lastSeq, readSeq: c.readSeq });
      }
      if (items.length < perPage) break;
    }
    return all;
  }

  /**
   * At connect: deliver from where this client stood (an earlier connect, or the positions given),
   * else from each conversation's newest.
   */
  private async seed(): Promise<void> {
    const positions = { ...this.options.positions, ...this.sync.positions() };
    for (const c of await this.listConversationSeqs()) {
      const from = positions[c.id];
      if (from === undefined) this.sync.seed(c.id, c.ref, c.lastSeq);
      else this.sync.catchUp(c.id, c.ref, c.lastSeq, from);
    }
  }

  /** After a reconnect: whatever came meanwhile, in every conversation (new ones from their read position). */
  private async catchUp(): Promise<void> {
    if (!this.connected) return; // the first connect seeds instead
    try {
      for (const c of await this.listConversationSeqs())
        this.sync.catchUp(c.id, c.ref, c.lastSeq, c.readSeq);
    } catch (err) {
      this.emitter.fire('error', err);
      this.connection?.drop(); // try again with the next connection
    }
  }

  private onFrame(frame: Frame): void {
    const body = (frame.body ?? {}) as Record<string, unknown>;
    const route = {
      receiver: frame.receiver as string,
      receiverType: frame.receiverType as ReceiverType,
    };
    switch (frame.type) {
      case 'message':
        this.sync.receive(body as unknown as Message);
        return;
      case 'typing_indicator':
        this.emitter.fire('typing', { ...route, ...(body as object) } as TypingIndicator);
        return;
      case 'receipts':
        this.emitter.fire('receipt', {
          ...route,
          sender: frame.sender,
          messageSender: frame.messageSender,
          ...(body as object),
          messageId: String(body.messageId),
        } as Receipt);
        return;
      case 'presence':
        this.emitter.fire('presence', body as unknown as PresenceChange);
        return;
      case 'reaction':
        this.emitter.fire('reaction', { ...route, ...(body as object) } as ReactionChange);
        return;
      case 'transient_message':
        this.emitter.fire('transient', { ...route, ...(body as object) } as TransientMessage);
        return;
      default:
        return; // frames of features this SDK does not cover yet
    }
  }

  private dispatch(message: Message): void {
    if (message.category !== 'action') return this.emitter.fire('message', message);
    const on = message.data.entities?.on;
    if (message.type === 'message' && on?.entityType === 'message') {
      const target = on.entity as unknown as Message;
      if (message.data.action === 'edited')
        return this.emitter.fire('messageEdited', { message: target, action: message });
      if (message.data.action === 'deleted')
        return this.emitter.fire('messageDeleted', { message: target, action: message });
    }
    this.emitter.fire('groupAction', message);
  }
}

/** The emitter with `emit` opened to the client. */
class ClientEmitter extends TypedEmitter<ParleyClientEvents> {
  fire<K extends keyof ParleyClientEvents>(event: K, payload: ParleyClientEvents[K]): void {
    this.emit(event, payload);
  }
}

/** `https://host[/prefix]` -> `wss://host[/prefix]/ws`. */
export function defaultSocketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/ws`;
}
