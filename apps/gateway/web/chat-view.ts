/**
 * One user's chat: the users and groups they can talk to (with unread counts), the open
 * conversation's messages, live over the WebSocket, and a box to send a text. Used by the chat page
 * (logged in with the Auth key) and by the dashboard's conversations tab (as a user, through the
 * REST key).
 */
import { Api, seg, userApi } from './api.js';
import { ErrorBox, h, when } from './dom.js';
import { Frame, LiveConnection, LiveState } from './realtime.js';

interface Named {
  name?: string;
}
interface Entity {
  entity?: Named & { uid?: string; guid?: string };
}
export interface Message {
  id: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  sentAt: number;
  /** Parley's place of the message in its conversation: 1, 2, 3, ... */
  seq: number;
  deletedAt?: number;
  data: {
    text?: string;
    action?: string;
    attachments?: Array<{ name?: string; url?: string }>;
    entities?: { sender?: Entity; by?: Entity; on?: Entity };
  };
}
interface Peer {
  key: string;
  kind: 'user' | 'group';
  id: string;
  name: string;
  unread: number;
}

/** A logged-in user: what `PUT /v3.0/me` answered, and the API as them. */
export interface ChatSession {
  appId: string;
  uid: string;
  name: string;
  jwt: string;
  deviceId: string;
  api: Api;
}

/** Logs in a session with an auth token: `PUT /v3.0/me` gives the user and the socket's JWT. */
export async function openSession(appId: string, authToken: string): Promise<ChatSession> {
  const deviceId = crypto.randomUUID();
  const api = userApi(appId, authToken, deviceId);
  const me = await api.put<{ uid: string; name: string; jwt: string }>('/v3.0/me', {
    platform: 'WEB',
  });
  return { appId, uid: me.uid, name: me.name, jwt: me.jwt, deviceId, api };
}

const peerKey = (kind: string, id: string) => `${kind}:${id}`;

const STATE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline, reconnecting…',
  closed: 'Disconnected',
};

export class ChatView {
  readonly el: HTMLElement;
  private readonly errors = new ErrorBox();
  private readonly peers = new Map<string, Peer>();
  private readonly peerList = h('div', { class: 'peers' });
  private readonly heading = h('h2', { id: 'chat-heading' }, 'Pick a user or group');
  private readonly log = h('ol', {
    class: 'messages',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Messages',
  });
  private readonly status = h('p', { class: 'live-state', role: 'status' });
  private readonly input = h('input', {
    id: 'message-text',
    name: 'text',
    autocomplete: 'off',
    required: true,
    maxlength: 4000,
  });
  private readonly sendButton = h('button', { type: 'submit', disabled: true }, 'Send');
  private readonly live: LiveConnection;
  private open?: Peer;
  private shown = new Set<string>();

  constructor(private readonly session: ChatSession) {
    const sendForm = h(
      'form',
      { class: 'send', 'aria-label': 'Send a message' },
      h('div', { class: 'field grow' }, h('label', { for: 'message-text' }, 'Message'), this.input),
      this.sendButton,
    );
    sendForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.send();
    });
    this.el = h(
      'div',
      { class: 'chat' },
      h('nav', { class: 'sidebar', 'aria-label': 'Conversations' }, this.peerList),
      h(
        'section',
        { class: 'conversation', 'aria-labelledby': 'chat-heading' },
        this.heading,
        this.status,
        this.errors.el,
        this.log,
        sendForm,
      ),
    );
    this.live = new LiveConnection({
      appId: session.appId,
      uid: session.uid,
      jwt: session.jwt,
      deviceId: session.deviceId,
      onFrame: (f) => this.onFrame(f),
      onState: (s) => {
        this.status.textContent = STATE_TEXT[s];
        // (Re)connected: fetch what may have come while the socket was down or not yet up.
        if (s === 'live') void this.refresh();
      },
    });
  }

  /** Loads the lists and goes live. */
  async start(): Promise<void> {
    await this.errors.run(() => this.loadPeers());
    this.live.start();
  }

  stop(): void {
    this.live.stop();
  }

  private async refresh(): Promise<void> {
    await this.errors.run(async () => {
      await this.loadPeers();
      if (this.open) await this.loadMessages(this.open);
    });
  }

  private async loadPeers(): Promise<void> {
    const { api, uid } = this.session;
    const [users, groups, conversations] = await Promise.all([
      api.get<Array<{ uid: string; name: string }>>('/v3/users', { perPage: 100 }),
      api.get<Array<{ guid: string; name: string }>>('/v3/groups', {
        hasJoined: true,
        perPage: 100,
      }),
      api.get<
        Array<{
          conversationType: 'user' | 'group';
          conversationWith: { uid?: string; guid?: string };
          unreadMessageCount: number;
        }>
      >('/v3/conversations', { perPage: 100 }),
    ]);
    const unread = new Map(
      conversations.map((c) => [
        peerKey(c.conversationType, (c.conversationWith.uid ?? c.conversationWith.guid)!),
        c.unreadMessageCount,
      ]),
    );
    this.peers.clear();
    for (const u of users.filter((u) => u.uid !== uid))
      this.addPeer('user', u.uid, u.name, unread.get(peerKey('user', u.uid)));
    for (const g of groups)
      this.addPeer('group', g.guid, g.name, unread.get(peerKey('group', g.guid)));
    this.renderPeers();
  }

  private addPeer(kind: Peer['kind'], id: string, name: string, unread = 0): void {
    const key = peerKey(kind, id);
    // The open conversation is read as it arrives.
    this.peers.set(key, { key, kind, id, name, unread: this.open?.key === key ? 0 : unread });
  }

  private renderPeers(): void {
    const section = (kind: Peer['kind'], title: string) => {
      const items = [...this.peers.values()].filter((p) => p.kind === kind);
      return [
        h('h2', {}, title),
        items.length
          ? h(
              'ul',
              {},
              ...items.map((p) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      'aria-current': this.open?.key === p.key ? 'true' : undefined,
                      onclick: () => void this.errors.run(() => this.openPeer(p.key)),
                    },
                    p.name,
                    p.unread ? h('span', { class: 'badge' }, ` ${p.unread} unread`) : null,
                  ),
                ),
              ),
            )
          : h('p', { class: 'empty' }, kind === 'user' ? 'No other users.' : 'No groups joined.'),
      ];
    };
    this.peerList.replaceChildren(...section('user', 'Users'), ...section('group', 'Groups'));
  }

  private async openPeer(key: string): Promise<void> {
    const peer = this.peers.get(key);
    if (!peer) return;
    this.open = peer;
    peer.unread = 0;
    this.heading.textContent = `${peer.kind === 'user' ? 'Chat with' : 'Group'} ${peer.name}`;
    this.sendButton.disabled = false;
    this.renderPeers();
    this.log.replaceChildren();
    this.shown.clear();
    await this.loadMessages(peer);
    this.input.focus();
  }

  private base(peer: Peer): string {
    return peer.kind === 'user' ? `/v3/users/${seg(peer.id)}` : `/v3/groups/${seg(peer.id)}`;
  }

  private async loadMessages(peer: Peer): Promise<void> {
    const messages = await this.session.api.get<Message[]>(`${this.base(peer)}/messages`, {
      limit: 100,
    });
    if (this.open !== peer) return;
    for (const m of messages) this.append(m);
    if (messages.length) await this.markRead(peer);
  }

  private markRead(peer: Peer): Promise<unknown> {
    return this.session.api.post(`${this.base(peer)}/conversation/read`, {});
  }

  private async send(): Promise<void> {
    const peer = this.open;
    const text = this.input.value.trim();
    if (!peer || !text) return;
    const sent = await this.errors.run(() =>
      this.session.api.post<Message>('/v3/messages', {
        receiver: peer.id,
        receiverType: peer.kind,
        category: 'message',
        type: 'text',
        data: { text },
        muid: crypto.randomUUID(),
      }),
    );
    if (!sent) return;
    this.input.value = '';
    if (this.open === peer) this.append(sent);
  }

  private onFrame(frame: Frame): void {
    if (frame.type !== 'message') return;
    const m = frame.body as Message;
    const me = this.session.uid;
    const key =
      m.receiverType === 'group'
        ? peerKey('group', m.receiver)
        : peerKey('user', m.sender === me ? m.receiver : m.sender);
    if (this.open?.key === key) {
      this.append(m);
      void this.markRead(this.open).catch(() => undefined);
      return;
    }
    const peer = this.peers.get(key);
    if (!peer) return void this.refresh(); // a new user, or a group just joined
    if (m.category !== 'action' && m.sender !== me) peer.unread += 1;
    this.renderPeers();
  }

  /**
   * Adds a message once (a refetch after a reconnect may bring it again), in conversation order:
   * frames may come out of it (a membership's action message is stored moments after the change).
   */
  private append(m: Message): void {
    if (this.shown.has(m.id)) return;
    this.shown.add(m.id);
    const who = m.data.entities?.sender?.entity?.name ?? m.sender;
    const item =
      m.category === 'action' || m.category === 'call'
        ? h('li', { class: 'action' }, describeAction(m))
        : h(
            'li',
            { class: m.sender === this.session.uid ? 'mine' : 'theirs' },
            h('span', { class: 'who' }, who),
            h('span', { class: 'text' }, describeContent(m)),
            h('time', { datetime: new Date(m.sentAt * 1000).toISOString() }, when(m.sentAt)),
          );
    item.dataset.seq = String(m.seq);
    const later = [...this.log.children].find(
      (li) => Number((li as HTMLElement).dataset.seq) > m.seq,
    );
    this.log.insertBefore(item, later ?? null);
    item.scrollIntoView({ block: 'nearest' });
  }
}

function describeContent(m: Message): string {
  if (m.deletedAt) return '(deleted)';
  if (m.category === 'message' && m.type === 'text') return m.data.text ?? '';
  if (m.category === 'message') {
    const files = (m.data.attachments ?? []).map((a) => a.name ?? a.url).join(', ');
    return `[${m.type}] ${m.data.text ?? files}`;
  }
  return `[${m.category}: ${m.type}]`;
}

function describeAction(m: Message): string {
  const e = m.data.entities ?? {};
  const by = e.by?.entity?.name ?? m.sender;
  const on = e.on?.entity?.name ?? e.on?.entity?.uid ?? '';
  if (m.category === 'call') return `${m.type} call: ${m.data.action ?? ''}`;
  return `${by} ${m.data.action ?? m.type} ${on}`.trim();
}
