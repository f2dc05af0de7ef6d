import { Backoff } from './backoff';
import type { ConversationRef, Message } from './models';
import { ParleyError } from './rest-transport';

/** What the sync needs from the outside: the REST reads, the delivery, a timer. */
export interface ConversationSyncDeps {
  /** Messages of `ref` whose seq is in [fromSeq, toSeq], oldest first, at most `limit`. */
  fetchRange(
    ref: ConversationRef,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<Message[]>;
  /**
   * For a conversation first heard of while running: the seq up to which it is history (the
   * user's read position), so only what came after is delivered.
   */
  baseline(ref: ConversationRef): Promise<number>;
  /** Hands one message to the application: in seq order, once, per conversation. */
  deliver(message: Message): void;
  /** A read failed; the sync tries again later (`retrying`) or gives the range up. */
  onError(err: unknown, conversationId: string, retrying: boolean): void;
  /** Waits before a retry (a timer; tests pass their own). */
  wait(ms: number): Promise<void>;
}

export interface ConversationSyncOptions {
  /** The signed-in user: a 1:1 message's conversation is with its other user. */
  me: string;
  /** Messages per range read (Parley serves at most 1000). */
  pageSize?: number;
}

interface Pending {
  message: Message;
  /** Known to the application already (its own send): counts for the order, not delivered. */
  silent: boolean;
}

interface ConversationState {
  id: string;
  ref: ConversationRef;
  /** Every seq at or below this has been delivered or is history; undefined until the baseline. */
  delivered?: number;
  /** The highest seq known to exist. */
  knownTop: number;
  pending: Map<number, Pending>;
  busy: boolean;
  backoff: Backoff;
}

/** The conversation a message belongs to, seen by `me`. */
export function conversationRefOf(message: Message, me: string): ConversationRef {
  if (message.receiverType === 'group') return { kind: 'group', guid: message.receiver };
  return { kind: 'user', uid: message.sender === me ? message.receiver : message.sender };
}

/**
 * Gap-free delivery by `seq`: per conversation, messages reach the application in seq order and
 * once each, whether they come as frames (in any order, repeated) or from reads. A frame past the
 * next expected seq, or a conversation whose newest seq is ahead (after a reconnect), makes it read
 * exactly the missing range; frames meanwhile wait. A seq the server does not show this user (a
 * range read is authoritative) is passed over, so the sync never stalls.
 */
export class ConversationSync {
  private readonly conversations = new Map<string, ConversationState>();
  private held = false;
  private idleWaiters: Array<() => void> = [];
  private readonly pageSize: number;

  constructor(
    private readonly deps: ConversationSyncDeps,
    private readonly options: ConversationSyncOptions,
  ) {
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Buffers everything until `release()` (while the baseline is being read). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const state of this.conversations.values()) this.pump(state);
    this.checkIdle();
  }

  /** A message from a frame (or, `silent`, the reply to this client's own send). */
  receive(message: Message, silent = false): void {
    if (!Number.isInteger(message.seq) || message.seq < 1) {
      if (!silent) this.deps.deliver(message); // no seq (not stored): nothing to order it by
      return;
    }
    const state = this.stateFor(
      message.conversationId,
      conversationRefOf(message, this.options.me),
    );
    if (state.delivered !== undefined && message.seq <= state.delivered) return;
    if (!state.pending.has(message.seq)) state.pending.set(message.seq, { message, silent });
    state.knownTop = Math.max(state.knownTop, message.seq);
    this.pump(state);
  }

  /**
   * Sets where a conversation stands: seqs at or below `seq` are history (never delivered), so
   * delivery starts after it. Used with the conversation list at the first connect, or with a
   * position the application kept. Never moves a conversation backwards.
   */
  seed(conversationId: string, ref: ConversationRef, seq: number): void {
    const state = this.stateFor(conversationId, ref);
    state.delivered = Math.max(state.delivered ?? 0, seq);
    state.knownTop = Math.max(state.knownTop, seq);
    for (const s of state.pending.keys()) if (s <= state.delivered) state.pending.delete(s);
    this.pump(state);
  }

  /**
   * The server says the conversation's newest seq is `lastSeq` (the list after a reconnect): what
   * lies between the last delivered and it is read. A conversation not followed yet starts after
   * `baseline`.
   */
  catchUp(conversationId: string, ref: ConversationRef, lastSeq: number, baseline: number): void {
    const known = this.conversations.has(conversationId);
    const state = this.stateFor(conversationId, ref);
    if (!known) state.delivered = Math.min(baseline, lastSeq);
    state.knownTop = Math.max(state.knownTop, lastSeq);
    this.pump(state);
  }

  /** Each conversation's last delivered seq: what `seed` takes back after a restart. */
  positions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.conversations.values())
      if (s.delivered !== undefined) out[s.id] = s.delivered;
    return out;
  }

  /** Resolves when no read is running or due and no message waits (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    for (const s of this.conversations.values()) {
      if (s.busy || s.pending.size > 0 || s.delivered === undefined || s.knownTop > s.delivered)
        return false;
    }
    return true;
  }

  private checkIdle(): void {
    if (!this.held && this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private stateFor(id: string, ref: ConversationRef): ConversationState {
    let state = this.conversations.get(id);
    if (!state) {
      state = {
        id,
        ref,
        knownTop: 0,
        pending: new Map(),
        busy: false,
        backoff: new Backoff({ initialMs: 250, maxMs: 10_000 }),
      };
      this.conversations.set(id, state);
    }
    return state;
  }

  private pump(state: ConversationState): void {
    if (this.held || state.busy) return;
    if (state.delivered === undefined) {
      this.resolveBaseline(state);
      return;
    }
    this.drain(state);
    if (state.knownTop > state.delivered) {
      const from = state.delivered + 1;
      const firstWaiting = Math.min(...state.pending.keys());
      const to = Number.isFinite(firstWaiting) ? firstWaiting - 1 : state.knownTop;
      this.fetch(state, from, to);
      return;
    }
    this.checkIdle();
  }

  /** Delivers the waiting messages that follow on without a hole. */
  private drain(state: ConversationState): void {
    let next = state.pending.get(state.delivered! + 1);
    while (next) {
      state.pending.delete(state.delivered! + 1);
      state.delivered! += 1;
      if (!next.silent) this.deps.deliver(next.message);
      next = state.pending.get(state.delivered! + 1);
    }
  }

  private resolveBaseline(state: ConversationState): void {
    state.busy = true;
    const firstWaiting = Math.min(...state.pending.keys());
    // The message that made the conversation known is delivered whatever the read position says
    // (it may be the user's own, from another device, which moved that position).
    const cap = Number.isFinite(firstWaiting) ? firstWaiting - 1 : Number.MAX_SAFE_INTEGER;
    this.deps.baseline(state.ref).then(
      (seq) => {
        state.busy = false;
        if (state.delivered === undefined) state.delivered = Math.max(0, Math.min(seq, cap));
        this.pump(state);
      },
      (err) => {
        state.busy = false;
        this.deps.onError(err, state.id, false);
        if (state.delivered === undefined)
          state.delivered = cap === Number.MAX_SAFE_INTEGER ? 0 : cap;
        this.pump(state);
      },
    );
  }

  private fetch(state: ConversationState, from: number, to: number): void {
    state.busy = true;
    this.deps.fetchRange(state.ref, from, to, this.pageSize).then(
      (messages) => {
        state.busy = false;
        state.backoff.reset();
        if (state.delivered! >= to) return this.pump(state); // a seed moved past it meanwhile
        // A short page covers the whole range; a full one up to its last message.
        const covered =
          messages.length >= this.pageSize ? Math.min(to, messages[messages.length - 1].seq) : to;
        for (const m of messages) {
          if (m.seq > state.delivered! && m.seq <= covered && !state.pending.has(m.seq))
            state.pending.set(m.seq, { message: m, silent: false });
        }
        this.skipTo(state, covered);
        this.pump(state);
      },
      (err) => {
        state.busy = false;
        const retrying = !(err instanceof ParleyError) || err.retryable;
        this.deps.onError(err, state.id, retrying);
        if (!retrying) {
          // Refused (no longer a member, say): give the range up rather than stall.
          this.skipTo(state, to);
          this.pump(state);
          return;
        }
        state.busy = true;
        void this.deps.wait(state.backoff.next()).then(() => {
          state.busy = false;
          this.pump(state);
        });
      },
    );
  }

  /** Delivers what waits up to `seq` in order, passing over seqs nobody has, and moves past it. */
  private skipTo(state: ConversationState, seq: number): void {
    const waiting = [...state.pending.keys()].filter((s) => s <= seq).sort((a, b) => a - b);
    for (const s of waiting) {
      const p = state.pending.get(s)!;
      state.pending.delete(s);
      if (s > state.delivered! && !p.silent) this.deps.deliver(p.message);
    }
    state.delivered = Math.max(state.delivered!, seq);
  }
}
