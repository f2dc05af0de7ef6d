import { BrowserRealm, CometChatModule, createBrowserRealm } from './browser-realm';

type CometChatClass = CometChatModule['CometChat'];

/** A callback the SDK made: the listener method's name and its argument. */
export interface SdkEvent {
  name: string;
  arg: unknown;
  args: unknown[];
}

const MESSAGE_CALLBACKS = [
  'onTextMessageReceived',
  'onMediaMessageReceived',
  'onCustomMessageReceived',
  'onTypingStarted',
  'onTypingEnded',
  'onMessagesDelivered',
  'onMessagesRead',
  'onMessagesDeliveredToAll',
  'onMessagesReadByAll',
  'onMessageEdited',
  'onMessageDeleted',
  'onTransientMessageReceived',
  'onMessageReactionAdded',
  'onMessageReactionRemoved',
];
const USER_CALLBACKS = ['onUserOnline', 'onUserOffline'];
const GROUP_CALLBACKS = [
  'onGroupMemberJoined',
  'onGroupMemberLeft',
  'onGroupMemberKicked',
  'onGroupMemberBanned',
  'onGroupMemberUnbanned',
  'onGroupMemberScopeChanged',
  'onGroupMemberAddedToGroup',
];
const CONNECTION_CALLBACKS = ['onConnected', 'inConnecting', 'onDisconnected'];
const CALL_CALLBACKS = [
  'onIncomingCallReceived',
  'onOutgoingCallAccepted',
  'onOutgoingCallRejected',
  'onIncomingCallCancelled',
  'onCallEndedMessageReceived',
];

export interface SdkTarget {
  /** The app's id. */
  appId: string;
  /** Where the SDK starts: `host:port` of the TLS gateway (the `/v3.0` is added here). */
  host: string;
  /** The gateway's certificate, trusted by this tab. */
  ca: Buffer;
}

/**
 * One browser tab running CometChat's SDK against Parley: `init` with the client and admin hosts
 * overridden to Parley (`overrideClientHost`/`overrideAdminHost`, which take `host[:port]/v3.0`),
 * listeners that record every callback, and helpers to wait for one.
 */
export class SdkClient {
  readonly events: SdkEvent[] = [];
  private waiters: Array<{ match: (e: SdkEvent) => boolean; resolve: (e: SdkEvent) => void }> = [];
  private handlers: Array<{ name: string; handle: (...args: unknown[]) => void }> = [];

  private constructor(
    private readonly realm: BrowserRealm,
    readonly target: SdkTarget,
  ) {}

  get CometChat(): CometChatClass {
    return this.realm.sdk.CometChat;
  }

  /**
   * A tab initialised for `target`, with every listener registered: a fresh one, or, given another
   * tab's `storage`, that browser reloaded (the SDK then resumes the stored session from `init`).
   */
  static async init(target: SdkTarget, storage?: Array<[string, string]>): Promise<SdkClient> {
    const client = new SdkClient(createBrowserRealm({ ca: target.ca, storage }), target);
    const { CometChat } = client;
    const api = `${target.host}/v3.0`;
    const settings = new CometChat.AppSettingsBuilder()
      .setRegion('eu')
      .overrideAdminHost(api)
      .overrideClientHost(api)
      .subscribePresenceForAllUsers()
      .autoEstablishSocketConnection(true)
      .build();
    await CometChat.init(target.appId, settings);
    CometChat.addMessageListener(
      'contract',
      new CometChat.MessageListener(client.recorder(MESSAGE_CALLBACKS)),
    );
    CometChat.addUserListener(
      'contract',
      new CometChat.UserListener(client.recorder(USER_CALLBACKS)),
    );
    CometChat.addGroupListener(
      'contract',
      new CometChat.GroupListener(client.recorder(GROUP_CALLBACKS)),
    );
    CometChat.addConnectionListener(
      'contract',
      new CometChat.ConnectionListener(client.recorder(CONNECTION_CALLBACKS)),
    );
    CometChat.addCallListener(
      'contract',
      new CometChat.CallListener(client.recorder(CALL_CALLBACKS)),
    );
    return client;
  }

  /** A tab logged in as `uid`: with the auth key (`login(uid, authKey)`), or an auth token. */
  static async login(
    target: SdkTarget,
    uid: string,
    credential: { authKey: string } | { authToken: string },
  ): Promise<SdkClient> {
    const client = await SdkClient.init(target);
    if ('authKey' in credential) await client.CometChat.login(uid, credential.authKey);
    else await client.CometChat.login(credential.authToken);
    await client.connected();
    return client;
  }

  /** Resolves once the socket is authenticated (the SDK's status turns `connected`). */
  async connected(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.CometChat.getConnectionStatus() !== 'connected') {
      if (Date.now() > deadline)
        throw new Error(`no connection: ${this.CometChat.getConnectionStatus()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The first callback named `name` (already made or still to come) that `match` accepts. */
  async next<T = unknown>(
    name: string,
    match: (arg: T) => boolean = () => true,
    timeoutMs = 8000,
  ): Promise<T> {
    return (await this.waitFor(name, (e) => match(e.arg as T), timeoutMs)).arg as T;
  }

  /** As `next`, for callbacks with several arguments: all of them. */
  async nextCall(
    name: string,
    match: (args: unknown[]) => boolean = () => true,
    timeoutMs = 8000,
  ): Promise<unknown[]> {
    return (await this.waitFor(name, (e) => match(e.args), timeoutMs)).args;
  }

  private waitFor(
    name: string,
    match: (e: SdkEvent) => boolean,
    timeoutMs: number,
  ): Promise<SdkEvent> {
    const test = (e: SdkEvent) => e.name === name && match(e);
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `no ${name} callback in ${timeoutMs} ms; callbacks so far: ${this.events.map((e) => e.name).join(', ') || 'none'}` +
              `\nSDK log:\n${this.realm.logs.slice(-15).join('\n')}`,
          ),
        );
      }, timeoutMs);
      const done = (e: SdkEvent) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({ match: test, resolve: done });
    });
  }

  /** Calls `handle` on every later callback named `name`, as an app's own listener would. */
  on(name: string, handle: (...args: unknown[]) => void): void {
    this.handlers.push({ name, handle });
  }

  /** The settings the SDK stored from Parley's `PUT /v3.0/me` (its hosts from then on). */
  appSettings(): Record<string, unknown> | undefined {
    const entry = this.storage().find(([k]) => k.endsWith(':common_store/app_settings'));
    return entry && (JSON.parse(JSON.parse(entry[1]) as string) as Record<string, unknown>);
  }

  /** This tab's localStorage, to reload it as another tab. */
  storage(): Array<[string, string]> {
    return this.realm.storage();
  }

  /** Closes the tab without logging out (as a browser tab closed or reloaded). */
  dispose(): void {
    this.realm.dispose();
  }

  /** Logs out if still logged in, and closes the tab. */
  async close(): Promise<void> {
    try {
      if (await this.CometChat.getLoggedinUser()) await this.CometChat.logout();
    } catch {
      // the test may have logged out or broken the session on purpose
    } finally {
      this.realm.dispose();
    }
  }

  private recorder(names: string[]): Record<string, (...args: unknown[]) => void> {
    return Object.fromEntries(
      names.map((name) => [
        name,
        (...args: unknown[]) => {
          const event = { name, arg: args[0], args };
          this.events.push(event);
          for (const h of this.handlers) if (h.name === name) h.handle(...args);
          for (const w of [...this.waiters]) {
            if (w.match(event)) {
              this.waiters.splice(this.waiters.indexOf(w), 1);
              w.resolve(event);
            }
          }
        },
      ]),
    );
  }
}
