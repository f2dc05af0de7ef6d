/**
 * A Jepsen-style history of one chaos round and its checker. The load records every send it
 * attempted and every answer it got, every message frame each client received live, every
 * message it fetched by seq to fill a gap, and every read mark acknowledged; the final state is
 * what the REST API answers once the load has stopped. `checkHistory` then tells whether the
 * platform kept its promises (docs/guarantees.md, "Faults under load"):
 *
 * - every acknowledged send is stored exactly once, with the id and seq it was answered with, and
 *   every answer to a muid (retries included) names the same message;
 * - each conversation is numbered 1..n with no gap and no duplicate, and holds nothing but what
 *   the load sent (and action messages Parley wrote itself);
 * - every client ends with the complete seq range of each of its conversations, each seq the
 *   stored message, from live frames and fetches by seq; no message frame reached a client twice,
 *   nor reached one outside the conversation;
 * - unread counts are exact (others' messages after the user's read position);
 * - with the event stream read, each stored message has exactly one `message.created` event.
 */

/** A message as frames and fetches carry it (the fields the checker reads). */
export interface SeenMessage {
  id: string;
  conversationId: string;
  seq: number;
  sender: string;
  category: string;
  muid?: string;
  /** When the client got it (ms), as recorded. */
  at?: number;
}

export interface Answer {
  id: string;
  seq: number;
  conversationId: string;
}

interface SendRecord {
  sender: string;
  muid: string;
  conversationId: string;
  /** Every successful answer to this muid (a retry after a lost answer adds one). */
  answers: Answer[];
  attempts: number;
  /** Why the send was given up, when it was. */
  abandoned?: string;
  /** A refusal that is not the fault's (a 4xx other than 429): a bug. */
  refused?: string;
}

interface ClientRecord {
  uid: string;
  conversations: Set<string>;
  /** Every message frame received live, in arrival order. */
  live: SeenMessage[];
  /** Messages fetched by seq (gap fills, syncs after reconnect). */
  fetched: SeenMessage[];
  sessions: number;
  /** The highest seq each conversation's read mark reached (acknowledged marks only). */
  readSeq: Map<string, number>;
}

/** The state the REST API shows once the load is over. */
export interface FinalState {
  /** Each conversation's messages, as a member fetches them by seq, in seq order. */
  conversations: Map<string, SeenMessage[]>;
  /** `unreadMessageCount` of each user's conversations. */
  unread: Array<{ uid: string; conversationId: string; count: number }>;
  /** How many `message.created` events the stream holds per message id (when read). */
  events?: Map<string, number>;
}

export interface HistoryReport {
  problems: string[];
  stats: {
    sends: number;
    acknowledged: number;
    retried: number;
    duplicateSubmissions: number;
    abandoned: number;
    stored: number;
    liveFrames: number;
    filledByFetch: number;
    outOfOrderFrames: number;
    sessions: number;
  };
}

/** The recorder: the load calls it as things happen; it is checked once the load is over. */
export class History {
  private readonly sends = new Map<string, SendRecord>();
  private readonly clients = new Map<string, ClientRecord>();
  /** Sends that answered twice on purpose (a client that lost the answer and sent again). */
  duplicateSubmissions = 0;
  readonly notes: string[] = [];

  private key = (sender: string, muid: string) => `${sender}\u0000${muid}`;

  client(uid: string, conversations: Iterable<string>): void {
    this.clients.set(uid, {
      uid,
      conversations: new Set(conversations),
      live: [],
      fetched: [],
      sessions: 0,
      readSeq: new Map(),
    });
  }

  private clientOf(uid: string): ClientRecord {
    const c = this.clients.get(uid);
    if (!c) throw new Error(`history: unknown client ${uid}`);
    return c;
  }

  /** A send about to be tried (first try or retry). */
  attempt(sender: string, muid: string, conversationId: string): void {
    const k = this.key(sender, muid);
    const rec = this.sends.get(k) ?? { sender, muid, conversationId, answers: [], attempts: 0 };
    rec.attempts += 1;
    this.sends.set(k, rec);
  }

  acknowledged(sender: string, muid: string, answer: Answer): void {
    this.sends.get(this.key(sender, muid))?.answers.push(answer);
  }

  abandoned(sender: string, muid: string, why: string): void {
    const rec = this.sends.get(this.key(sender, muid));
    if (rec) rec.abandoned = why;
  }

  refused(sender: string, muid: string, why: string): void {
    const rec = this.sends.get(this.key(sender, muid));
    if (rec) rec.refused = why;
  }

  sessionOpened(uid: string): void {
    this.clientOf(uid).sessions += 1;
  }

  live(uid: string, m: SeenMessage): void {
    this.clientOf(uid).live.push({ ...m, at: Date.now() });
  }

  fetched(uid: string, m: SeenMessage): void {
    this.clientOf(uid).fetched.push({ ...m, at: Date.now() });
  }

  /** Something that happened (a fault's steps), with its time, for the dump. */
  note(what: string): void {
    this.notes.push(`${new Date().toISOString()} ${what}`);
  }

  /** An acknowledged read mark of `uid` up to `seq`. */
  read(uid: string, conversationId: string, seq: number): void {
    const positions = this.clientOf(uid).readSeq;
    positions.set(conversationId, Math.max(positions.get(conversationId) ?? 0, seq));
  }

  check(final: FinalState): HistoryReport {
    return checkHistory(this, final);
  }

  /** @internal read access for the checker */
  view() {
    return { sends: [...this.sends.values()], clients: [...this.clients.values()] };
  }
}

const MAX_LISTED = 15;

/** Collects problems by kind, listing the first few of each and counting the rest. */
class Problems {
  private readonly kinds = new Map<string, string[]>();
  add(kind: string, detail: string) {
    const list = this.kinds.get(kind) ?? [];
    list.push(detail);
    this.kinds.set(kind, list);
  }
  lines(): string[] {
    return [...this.kinds].map(([kind, list]) => {
      const shown = list.slice(0, MAX_LISTED).join('; ');
      const more = list.length > MAX_LISTED ? `; … and ${list.length - MAX_LISTED} more` : '';
      return `${kind} (${list.length}): ${shown}${more}`;
    });
  }
}

const ranges = (seqs: number[]): string => {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j += 1;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
};

export function checkHistory(history: History, final: FinalState): HistoryReport {
  const { sends, clients } = history.view();
  const p = new Problems();
  const byId = new Map<string, SeenMessage>();
  const byMuid = new Map<string, SeenMessage[]>();

  // The conversations themselves: 1..n, each seq once, and nothing the load did not send.
  const known = new Map(sends.map((s) => [`${s.sender}\u0000${s.muid}`, s]));
  for (const [conversationId, messages] of final.conversations) {
    const seqs = messages.map((m) => m.seq);
    const expected = Array.from({ length: messages.length }, (_, i) => i + 1);
    if (seqs.join(',') !== expected.join(',')) {
      p.add('conversation not numbered 1..n', `${conversationId}: seqs ${ranges(seqs)}`);
    }
    for (const m of messages) {
      byId.set(m.id, m);
      if (m.muid === undefined) {
        if (m.category !== 'action') p.add('stored message nobody sent', `${m.id} (seq ${m.seq})`);
        continue;
      }
      const k = `${m.sender}\u0000${m.muid}`;
      byMuid.set(k, [...(byMuid.get(k) ?? []), m]);
      if (!known.has(k)) p.add('stored message nobody sent', `muid ${m.muid} of ${m.sender}`);
    }
  }
  for (const [k, stored] of byMuid) {
    if (stored.length > 1) {
      const [sender, muid] = k.split('\u0000');
      p.add(
        'muid stored more than once',
        `${muid} of ${sender}: ${stored.length}× at seq ${stored.map((m) => m.seq).join(',')} in ${stored[0].conversationId}`,
      );
    }
  }

  // Every acknowledged send: stored once, where it was answered.
  for (const s of sends) {
    if (s.refused) p.add('send refused', `${s.muid} of ${s.sender}: ${s.refused}`);
    if (!s.answers.length) {
      if (s.abandoned)
        p.add('send given up after retrying', `${s.muid} of ${s.sender}: ${s.abandoned}`);
      else if (!s.refused) p.add('send never answered', `${s.muid} of ${s.sender}`);
      continue;
    }
    const ids = new Set(s.answers.map((a) => `${a.id}@${a.seq}`));
    if (ids.size > 1) {
      p.add('one muid answered as different messages', `${s.muid}: ${[...ids].join(' vs ')}`);
    }
    const stored = byMuid.get(`${s.sender}\u0000${s.muid}`) ?? [];
    const answer = s.answers[0];
    if (!stored.length) {
      p.add(
        'acknowledged send not stored',
        `${s.muid} of ${s.sender} (id ${answer.id}, seq ${answer.seq} in ${answer.conversationId})`,
      );
    } else if (!stored.some((m) => m.id === answer.id && m.seq === answer.seq)) {
      p.add(
        'acknowledged send stored elsewhere',
        `${s.muid}: answered id ${answer.id} seq ${answer.seq}, stored id ${stored[0].id} seq ${stored[0].seq}`,
      );
    }
    if (answer.conversationId !== s.conversationId) {
      p.add('sent to the wrong conversation', `${s.muid}: ${answer.conversationId}`);
    }
  }

  // Every client: its conversations complete, each seq the stored message, no frame twice.
  let liveFrames = 0;
  let filledByFetch = 0;
  let outOfOrder = 0;
  let sessions = 0;
  for (const c of clients) {
    sessions += c.sessions;
    liveFrames += c.live.length;
    const liveIds = new Map<string, number>();
    const lastLive = new Map<string, number>();
    for (const m of c.live) {
      liveIds.set(m.id, (liveIds.get(m.id) ?? 0) + 1);
      if (!c.conversations.has(m.conversationId)) {
        p.add(
          'frame outside the client’s conversations',
          `${c.uid} got ${m.id} of ${m.conversationId}`,
        );
      }
      if (m.seq < (lastLive.get(m.conversationId) ?? 0)) outOfOrder += 1;
      lastLive.set(m.conversationId, Math.max(m.seq, lastLive.get(m.conversationId) ?? 0));
    }
    for (const [id, n] of liveIds) {
      if (n > 1) p.add('message frame received twice', `${c.uid} got ${id} ${n}×`);
    }
    for (const conversationId of c.conversations) {
      const stored = final.conversations.get(conversationId) ?? [];
      const seen = new Map<number, Set<string>>();
      const liveSeqs = new Set<number>();
      for (const m of c.live) {
        if (m.conversationId !== conversationId) continue;
        liveSeqs.add(m.seq);
        seen.set(m.seq, (seen.get(m.seq) ?? new Set()).add(m.id));
      }
      for (const m of c.fetched) {
        if (m.conversationId !== conversationId) continue;
        seen.set(m.seq, (seen.get(m.seq) ?? new Set()).add(m.id));
      }
      const missing: number[] = [];
      for (const m of stored) {
        const ids = seen.get(m.seq);
        if (!ids) missing.push(m.seq);
        else if (ids.size > 1 || !ids.has(m.id)) {
          p.add(
            'client holds another message at a seq',
            `${c.uid} ${conversationId} seq ${m.seq}: ${[...ids].join(',')} (stored ${m.id})`,
          );
        }
        if (!liveSeqs.has(m.seq) && m.category !== 'action') filledByFetch += 1;
      }
      if (missing.length) {
        p.add('client misses seqs', `${c.uid} ${conversationId}: ${ranges(missing)}`);
      }
      const beyond = [...seen.keys()].filter((s) => s > stored.length);
      if (beyond.length) {
        p.add('client holds seqs never stored', `${c.uid} ${conversationId}: ${ranges(beyond)}`);
      }
    }
  }

  // Unread counts: the others' messages (not actions) after the user's read position, which is
  // their last own message or their furthest acknowledged read mark.
  for (const { uid, conversationId, count } of final.unread) {
    const stored = final.conversations.get(conversationId) ?? [];
    const client = clients.find((c) => c.uid === uid);
    let position = client?.readSeq.get(conversationId) ?? 0;
    for (const m of stored) if (m.sender === uid) position = Math.max(position, m.seq);
    const expected = stored.filter(
      (m) => m.seq > position && m.sender !== uid && m.category !== 'action',
    ).length;
    if (count !== expected) {
      p.add('unread count wrong', `${uid} ${conversationId}: ${count}, expected ${expected}`);
    }
  }

  // The event stream: one message.created per stored message.
  if (final.events) {
    for (const [id, n] of final.events) {
      if (n > 1) p.add('message.created published more than once', `${id} ${n}×`);
      if (!byId.has(id)) p.add('message.created of a message not stored', id);
    }
    for (const id of byId.keys()) {
      if (byId.get(id)?.category === 'action') continue;
      if (!final.events.has(id)) p.add('stored message without message.created', id);
    }
  }

  const acknowledged = sends.filter((s) => s.answers.length).length;
  return {
    problems: p.lines(),
    stats: {
      sends: sends.length,
      acknowledged,
      retried: sends.filter((s) => s.attempts > 1).length,
      duplicateSubmissions: history.duplicateSubmissions,
      abandoned: sends.filter((s) => s.abandoned).length,
      stored: byId.size,
      liveFrames,
      filledByFetch,
      outOfOrderFrames: outOfOrder,
      sessions,
    },
  };
}
