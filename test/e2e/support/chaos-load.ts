import { connect } from 'nats';
import { History, SeenMessage } from './history';
import { AppKeys, createApp, http, Reply } from './parley';
import { Frame, Login, login, TestSocket } from './realtime-client';
import { sleep } from './private-servers';

/**
 * The load of a chaos round: users of one app, each a client with one WebSocket and a loop of
 * sends, as the client SDK behaves. A send carries a `muid` and is retried with it, on the next
 * gateway, after an error or a timeout, until it is answered; now and then a client "loses" an
 * answer and sends again (sometimes twice at once). A client that sees a seq gap in its frames,
 * or opens a new socket, fetches the missing seqs; it marks conversations read now and then.
 * Everything lands in a `History` (./history.ts) to be checked once the load is over.
 */

export interface Conversation {
  id: string;
  kind: 'user' | 'group';
  /** The other user of a 1:1 conversation, or the group's guid. */
  with: string;
  members: string[];
}

export interface LoadOptions {
  users: number;
  /** Pause of each client between two sends. */
  paceMs: number;
  /** Give up a send (or a mark) after trying this long. */
  giveUpMs: number;
  /** Chance that a client sends an answered muid again (a lost answer). */
  duplicateChance: number;
}

const REQUEST_TIMEOUT_MS = 6000;

const userConversationId = (a: string, b: string) => (a < b ? `${a}_user_${b}` : `${b}_user_${a}`);

const asSeen = (m: Record<string, unknown>): SeenMessage => ({
  id: String(m.id),
  conversationId: String(m.conversationId),
  seq: Number(m.seq),
  sender: String(m.sender),
  category: String(m.category),
  ...(typeof m.muid === 'string' ? { muid: m.muid } : {}),
});

/** No answer: the request failed or timed out (an error of another realm, so no instanceof). */
type Failure = { failed: string };
const failed = (res: Reply | Failure): res is Failure => 'failed' in res;

/** Whether to try again: the fault's answers (no answer, 5xx, 429), not a refusal. */
const transient = (res: Reply | Failure) => failed(res) || res.status >= 500 || res.status === 429;

const describe = (res: Reply | Failure) =>
  failed(res) ? res.failed : `${res.status} ${JSON.stringify(res.body)}`;

/** The REST side of one app: every call tried on the gateways in turn until one answers. */
class Rest {
  private next = 0;

  constructor(
    readonly app: AppKeys,
    private readonly gateways: string[],
  ) {}

  once<T>(method: string, gateway: string, path: string, uid?: string, body?: unknown) {
    return http<T>(method, `${gateway}/v3${path}`, {
      headers: {
        appid: this.app.appId,
        apikey: this.app.restKey,
        ...(uid ? { onbehalfof: uid } : {}),
      },
      body,
      timeoutMs: REQUEST_TIMEOUT_MS,
    }).catch((err: { message?: string; cause?: { code?: string } }): Failure => ({
      failed: `${err.message ?? err}${err.cause?.code ? ` (${err.cause.code})` : ''}`,
    }));
  }

  /** Tries until an answer that is not the fault's, or `giveUpMs`; returns the last answer. */
  async retried<T>(
    method: string,
    path: string,
    opts: { uid?: string; body?: unknown; giveUpMs: number; onAttempt?: () => void },
  ): Promise<Reply<T> | Failure> {
    const deadline = Date.now() + opts.giveUpMs;
    let wait = 100;
    for (;;) {
      opts.onAttempt?.();
      const gateway = this.gateways[this.next % this.gateways.length];
      const res = await this.once<T>(method, gateway, path, opts.uid, opts.body);
      if (!transient(res)) return res as Reply<T>;
      this.next += 1;
      if (Date.now() > deadline) return res;
      await sleep(wait);
      wait = Math.min(wait * 2, 1000);
    }
  }
}

/** One user: a socket (reconnected by itself) and a send loop. */
export class ChaosClient {
  private socket?: TestSocket;
  private closing = false;
  /** seq -> id of every message this client holds, per conversation. */
  private readonly have = new Map<string, Map<number, string>>();
  private readonly gapChecks = new Map<string, NodeJS.Timeout>();
  private sending = false;
  private loop?: Promise<void>;
  private sent = 0;
  private connected?: Promise<void>;
  private lastFrameAt = 0;
  private keepalive?: NodeJS.Timeout;

  constructor(
    readonly uid: string,
    private readonly jwt: Login,
    readonly conversations: Conversation[],
    private readonly socketUrls: string[],
    private readonly rest: Rest,
    private readonly history: History,
    private readonly opts: LoadOptions,
  ) {
    for (const c of conversations) this.have.set(c.id, new Map());
    history.client(
      uid,
      conversations.map((c) => c.id),
    );
  }

  /** Opens the first socket (and keeps one open until `close`); resolves once it is synced. */
  start(): Promise<void> {
    this.connected = this.connectLoop(0);
    this.keepalive = setInterval(() => this.checkAlive(), 1000);
    return this.connected;
  }

  /** A socket that heard nothing for 4 s (pings included) is dead: open another. */
  private checkAlive() {
    const s = this.socket;
    if (!s || this.closing) return;
    if (Date.now() - this.lastFrameAt > 4000) {
      s.ws.terminate();
      return;
    }
    try {
      s.send({ action: 'ping' });
    } catch {
      // closing
    }
  }

  private async connectLoop(first: number): Promise<void> {
    for (let attempt = first; !this.closing; attempt++) {
      const url = this.socketUrls[attempt % this.socketUrls.length];
      let socket: TestSocket | undefined;
      try {
        socket = await withTimeout(TestSocket.open(url), 5000);
        socket.ws.on('message', (data) => this.onFrame(data.toString()));
        const answer = await socket.auth(
          this.jwt.jwt,
          this.rest.app.appId,
          this.uid,
          `${this.uid}-dev`,
        );
        if ((answer.body as { status?: string }).status !== 'OK') throw new Error('auth refused');
      } catch {
        socket?.ws.terminate();
        await sleep(Math.min(200 * (attempt - first + 1), 1000));
        continue;
      }
      this.socket = socket;
      this.lastFrameAt = Date.now();
      this.history.sessionOpened(this.uid);
      void socket.closed.then(() => {
        if (this.socket === socket) this.socket = undefined;
        if (!this.closing) this.connected = this.connectLoop(attempt + 1);
      });
      // A new socket may have missed frames: fetch whatever follows what this client holds.
      await Promise.all(this.conversations.map((c) => this.fetchFrom(c)));
      return;
    }
  }

  private onFrame(raw: string) {
    this.lastFrameAt = Date.now();
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      return;
    }
    if (frame.type !== 'message' || !frame.body || typeof frame.body !== 'object') return;
    const m = asSeen(frame.body as Record<string, unknown>);
    this.history.live(this.uid, m);
    const held = this.have.get(m.conversationId);
    if (!held) return; // the checker reports a frame outside the client's conversations
    held.set(m.seq, m.id);
    // A seq gap: the frame may only be late (sends commit and publish in parallel), so look again
    // shortly and fetch what is still missing.
    if (m.seq > this.contiguous(m.conversationId) + 1 && !this.gapChecks.has(m.conversationId)) {
      const conversation = this.conversations.find((c) => c.id === m.conversationId)!;
      this.gapChecks.set(
        m.conversationId,
        setTimeout(() => {
          this.gapChecks.delete(m.conversationId);
          void this.fetchFrom(conversation, this.highest(m.conversationId));
        }, 500),
      );
    }
  }

  private contiguous(conversationId: string): number {
    const held = this.have.get(conversationId)!;
    let n = 0;
    while (held.has(n + 1)) n += 1;
    return n;
  }

  private highest(conversationId: string): number {
    return Math.max(0, ...this.have.get(conversationId)!.keys());
  }

  private path(c: Conversation): string {
    return c.kind === 'user' ? `/users/${c.with}` : `/groups/${c.with}`;
  }

  /**
   * Fetches by seq what this client misses after its contiguous prefix, up to `toSeq` (or to the
   * end), retrying through faults.
   */
  async fetchFrom(c: Conversation, toSeq?: number): Promise<void> {
    const PAGE = 200;
    let from = this.contiguous(c.id) + 1;
    while (toSeq === undefined || from <= toSeq) {
      const to = toSeq === undefined ? from + PAGE - 1 : Math.min(toSeq, from + PAGE - 1);
      const res = await this.rest.retried<{ data: Array<Record<string, unknown>> }>(
        'GET',
        `${this.path(c)}/messages?fromSeq=${from}&toSeq=${to}&limit=${PAGE}`,
        { uid: this.uid, giveUpMs: this.opts.giveUpMs },
      );
      if (failed(res) || res.status !== 200) {
        this.history.notes.push(
          `${this.uid} could not fetch ${c.id} from ${from}: ${describe(res)}`,
        );
        return;
      }
      const page = res.body.data.map(asSeen);
      for (const m of page) {
        const held = this.have.get(c.id)!;
        if (held.has(m.seq)) continue;
        held.set(m.seq, m.id);
        this.history.fetched(this.uid, m);
      }
      if (toSeq === undefined && page.length < to - from + 1) return;
      from = to + 1;
    }
  }

  startSending(): void {
    this.sending = true;
    this.loop = this.sendLoop();
  }

  /** Stops starting sends; resolves when the send in progress is answered or given up. */
  async stopSending(): Promise<void> {
    this.sending = false;
    await this.loop;
  }

  private async sendLoop() {
    while (this.sending) {
      const c = this.conversations[Math.floor(Math.random() * this.conversations.length)];
      this.sent += 1;
      const muid = `${this.uid}-${this.sent}`;
      const answered = await this.send(c, muid);
      if (answered && Math.random() < this.opts.duplicateChance) {
        // The answer "got lost": the client sends again, once or twice at once.
        this.history.duplicateSubmissions += 1;
        const copies = Math.random() < 0.5 ? 1 : 2;
        await Promise.all(Array.from({ length: copies }, () => this.send(c, muid)));
      }
      if (Math.random() < 0.1)
        await this.markRead(
          this.conversations[Math.floor(Math.random() * this.conversations.length)],
        );
      await sleep(this.opts.paceMs);
    }
  }

  private async send(c: Conversation, muid: string): Promise<boolean> {
    const body = {
      receiver: c.with,
      receiverType: c.kind,
      category: 'message',
      type: 'text',
      data: { text: `${muid} to ${c.id}` },
      muid,
    };
    const res = await this.rest.retried<{ data: Record<string, unknown> }>('POST', '/messages', {
      uid: this.uid,
      body,
      giveUpMs: this.opts.giveUpMs,
      onAttempt: () => this.history.attempt(this.uid, muid, c.id),
    });
    if (transient(res)) {
      this.history.abandoned(this.uid, muid, describe(res));
      return false;
    }
    if (failed(res) || res.status !== 200) {
      this.history.refused(this.uid, muid, describe(res));
      return false;
    }
    const m = asSeen(res.body.data);
    this.history.acknowledged(this.uid, muid, m);
    return true;
  }

  /** Marks `c` read up to the last message this client holds without a gap before it. */
  private async markRead(c: Conversation): Promise<void> {
    const seq = this.contiguous(c.id);
    if (!seq) return;
    const messageId = this.have.get(c.id)!.get(seq)!;
    const res = await this.rest.retried('POST', `${this.path(c)}/conversation/read`, {
      uid: this.uid,
      body: { messageId },
      giveUpMs: this.opts.giveUpMs,
    });
    if (!failed(res) && res.status === 200) this.history.read(this.uid, c.id, seq);
    else this.history.notes.push(`${this.uid} could not mark ${c.id} read at ${seq}`);
  }

  /**
   * The end of the round: the client learns each conversation's last seq and unread count and
   * fetches whatever it still misses, as it would on opening the conversation.
   */
  async finish(): Promise<Array<{ conversationId: string; lastSeq: number; unread: number }>> {
    const out = [];
    for (const c of this.conversations) {
      const res = await this.rest.retried<{
        data: { lastSeq: number; unreadMessageCount: number };
      }>('GET', `${this.path(c)}/conversation`, { uid: this.uid, giveUpMs: this.opts.giveUpMs });
      if (failed(res) || res.status !== 200) {
        throw new Error(`${this.uid}: conversation ${c.id}: ${describe(res)}`);
      }
      const { lastSeq, unreadMessageCount } = res.body.data;
      await this.fetchFrom(c, lastSeq);
      out.push({ conversationId: c.id, lastSeq: Number(lastSeq), unread: unreadMessageCount });
    }
    return out;
  }

  close(): void {
    this.closing = true;
    clearInterval(this.keepalive);
    for (const t of this.gapChecks.values()) clearTimeout(t);
    this.socket?.ws.terminate();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * One app with `users` users u1..uN, 1:1 conversations between neighbours, a group of everyone
 * and a group of the odd users; each user a `ChaosClient`. `socketUrls(i)` says where user i's
 * socket goes, in order of preference.
 */
export async function chaosWorld(opts: {
  gateways: string[];
  adminKey: string;
  socketUrls: (i: number) => string[];
  load: LoadOptions;
}): Promise<{ app: AppKeys; history: History; clients: ChaosClient[]; rest: Rest }> {
  const [gateway] = opts.gateways;
  const app = await createApp('Chaos', gateway, opts.adminKey);
  const rest = new Rest(app, opts.gateways);
  const uids = Array.from({ length: opts.load.users }, (_, i) => `u${i + 1}`);
  const logins = await Promise.all(uids.map((uid) => login(app, uid, gateway)));
  const conversations: Conversation[] = [];
  for (let i = 0; i < uids.length; i++) {
    const [a, b] = [uids[i], uids[(i + 1) % uids.length]];
    if (a === b || conversations.some((c) => c.id === userConversationId(a, b))) continue;
    conversations.push({ id: userConversationId(a, b), kind: 'user', with: '', members: [a, b] });
  }
  const groups = [
    { guid: 'all', members: uids },
    { guid: 'odd', members: uids.filter((_, i) => i % 2 === 0) },
  ];
  for (const g of groups) {
    const res = await rest.once('POST', gateway, '/groups', g.members[0], {
      guid: g.guid,
      name: g.guid,
      type: 'private',
      members: { participants: g.members.slice(1) },
    });
    if (failed(res) || res.status !== 200) {
      throw new Error(`create group ${g.guid} failed: ${describe(res)}`);
    }
    conversations.push({ id: `group_${g.guid}`, kind: 'group', with: g.guid, members: g.members });
  }
  const history = new History();
  const clients = uids.map(
    (uid, i) =>
      new ChaosClient(
        uid,
        logins[i],
        conversations
          .filter((c) => c.members.includes(uid))
          .map((c) => (c.kind === 'user' ? { ...c, with: c.members.find((m) => m !== uid)! } : c)),
        opts.socketUrls(i),
        rest,
        history,
        opts.load,
      ),
  );
  await Promise.all(clients.map((c) => c.start()));
  return { app, history, clients, rest };
}

/**
 * The final state: each conversation as its first member fetches it by seq (the clients have
 * synced; `lastSeqs` are what they learnt), the unread counts they read, and the
 * `message.created` events of the app on the stream.
 */
export async function finalState(
  world: { app: AppKeys; clients: ChaosClient[]; rest: Rest },
  natsUrl: string,
  giveUpMs: number,
) {
  const synced = await Promise.all(
    world.clients.map((c) => c.finish().then((r) => ({ uid: c.uid, r }))),
  );
  const conversations = new Map<string, SeenMessage[]>();
  const owners = new Map<string, { client: ChaosClient; c: Conversation; lastSeq: number }>();
  for (const client of world.clients) {
    for (const c of client.conversations) {
      const lastSeq = synced
        .find((s) => s.uid === client.uid)!
        .r.find((x) => x.conversationId === c.id)!.lastSeq;
      if (!owners.has(c.id)) owners.set(c.id, { client, c, lastSeq });
    }
  }
  for (const [id, { client, c, lastSeq }] of owners) {
    const messages: SeenMessage[] = [];
    for (let from = 1; from <= lastSeq; from += 500) {
      const path = c.kind === 'user' ? `/users/${c.with}` : `/groups/${c.with}`;
      const res = await world.rest.retried<{ data: Array<Record<string, unknown>> }>(
        'GET',
        `${path}/messages?fromSeq=${from}&toSeq=${from + 499}&limit=500`,
        { uid: client.uid, giveUpMs },
      );
      if (failed(res) || res.status !== 200) {
        throw new Error(`history of ${id} unreadable: ${describe(res)}`);
      }
      messages.push(...res.body.data.map(asSeen));
    }
    conversations.set(
      id,
      messages.sort((a, b) => a.seq - b.seq),
    );
  }
  const unread = synced.flatMap(({ uid, r }) =>
    r.map((x) => ({ uid, conversationId: x.conversationId, count: x.unread })),
  );
  const stored = [...conversations.values()].flat().filter((m) => m.category !== 'action').length;
  const events = await createdEvents(natsUrl, world.app.appId, stored, giveUpMs);
  return { conversations, unread, events };
}

/**
 * Counts the app's `message.created` events per message id on the stream, waiting (up to
 * `waitMs`) until at least `expected` messages have one: the outbox publishes after commit.
 */
async function createdEvents(natsUrl: string, appId: string, expected: number, waitMs: number) {
  const nc = await connect({ servers: natsUrl });
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const counts = new Map<string, number>();
      const consumer = await nc.jetstream().consumers.get('EVT_MESSAGING', {
        filterSubjects: `evt.messaging.${appId}.message.created`,
      });
      for (;;) {
        const batch = await consumer.fetch({ max_messages: 1000, expires: 1000 });
        let got = 0;
        for await (const m of batch) {
          const id = String((m.json() as { message: { id: string } }).message.id);
          counts.set(id, (counts.get(id) ?? 0) + 1);
          got += 1;
        }
        if (!got) break;
      }
      if (counts.size >= expected || Date.now() > deadline) return counts;
      await sleep(500);
    }
  } finally {
    await nc.close();
  }
}
