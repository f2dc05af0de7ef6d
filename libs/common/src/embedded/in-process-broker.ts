import { mkdirSync } from 'node:fs';
import { STREAM_RETENTION } from '@parley/contracts';
import { BusMessage, DEFAULT_ACK_WAIT_MS, Headers } from '../bus/message-bus';
import { DurableConsumer } from './durable-consumer';
import { StreamLog } from './stream-log';
import { subjectMatches } from './subject-pattern';

interface CoreSubscription {
  subject: string;
  queue?: string;
  deliver(msg: BusMessage): void;
}

interface Stream {
  name: string;
  subjects: readonly string[];
  log: StreamLog;
  consumers: Map<string, DurableConsumer>;
}

/** Raised by `request` with nobody subscribed, as NATS answers "no responders". */
export class NoResponders extends Error {}

/**
 * The broker of the embedded mode: NATS core messaging (subjects with `*` and `>`, queue groups,
 * request/reply) and JetStream-like durable streams kept under `dataDir`, for every service of
 * the process. Each service talks to it through its own `InProcessMessageBus`.
 */
export class InProcessBroker {
  private readonly subs = new Set<CoreSubscription>();
  private readonly streams = new Map<string, Stream>();
  private readonly queueTurn = new Map<string, number>();

  /** `dataDir`: where streams and consumer positions are kept (created when missing). */
  constructor(
    private readonly dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dataDir, { recursive: true });
  }

  /** Opens the streams not opened yet (the same list every service gives). */
  ensureStreams(streams: ReadonlyArray<{ name: string; subjects: readonly string[] }>): void {
    for (const s of streams) {
      if (this.streams.has(s.name)) continue;
      const log = StreamLog.open(
        this.dataDir,
        s.name,
        {
          maxAgeMs: STREAM_RETENTION.maxAgeSeconds * 1000,
          duplicateWindowMs: STREAM_RETENTION.duplicateWindowSeconds * 1000,
        },
        this.now(),
      );
      this.streams.set(s.name, { ...s, log, consumers: new Map() });
    }
  }

  subscribe(sub: CoreSubscription): () => void {
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  /**
   * Delivers to every matching subscription outside queue groups and to one member of each
   * matching queue group, after the caller's turn (as over a network). Returns how many got it.
   */
  publish(
    subject: string,
    data: Uint8Array,
    headers: Headers,
    respond?: BusMessage['respond'],
  ): number {
    const targets: CoreSubscription[] = [];
    const groups = new Map<string, CoreSubscription[]>();
    for (const s of this.subs) {
      if (!subjectMatches(s.subject, subject)) continue;
      if (!s.queue) targets.push(s);
      else groups.set(s.queue, [...(groups.get(s.queue) ?? []), s]);
    }
    for (const [queue, members] of groups) {
      // Members take turns (NATS picks at random; turns spread the same and are reproducible).
      const turn = this.queueTurn.get(queue) ?? 0;
      this.queueTurn.set(queue, turn + 1);
      targets.push(members[turn % members.length]);
    }
    for (const t of targets) {
      setImmediate(() => {
        if (this.subs.has(t)) t.deliver({ subject, data, headers: { ...headers }, respond });
      });
    }
    return targets.length;
  }

  /**
   * Sends a request and resolves with the first reply; rejects with NoResponders when nobody
   * subscribes to the subject, or with a timeout error after `timeoutMs`.
   */
  request(
    subject: string,
    data: Uint8Array,
    headers: Headers,
    timeoutMs: number,
  ): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        reject(new Error(`request on ${subject} timed out`));
      }, timeoutMs);
      const delivered = this.publish(subject, data, headers, (reply) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(reply);
      });
      if (delivered === 0) {
        clearTimeout(timer);
        reject(new NoResponders(`no responders on ${subject}`));
      }
    });
  }

  /**
   * Stores a message in the stream whose subjects match, unless its `msgId` was stored within the
   * duplicate window; core subscribers of the subject get it either way (as with JetStream).
   */
  publishDurable(subject: string, data: Uint8Array, msgId: string, headers: Headers): void {
    const stream = [...this.streams.values()].find((s) =>
      s.subjects.some((p) => subjectMatches(p, subject)),
    );
    if (!stream) throw new Error(`no stream stores ${subject}`);
    const seq = stream.log.append(subject, data, msgId, headers, this.now());
    this.publish(subject, data, headers);
    if (seq !== undefined) for (const c of stream.consumers.values()) c.pump();
  }

  /**
   * The durable consumer `durable` of `stream`, created on first use (its filter and ack wait
   * updated after, as a JetStream consumer's configuration).
   */
  consumer(
    stream: string,
    durable: string,
    filterSubjects: string[],
    ackWaitMs = DEFAULT_ACK_WAIT_MS,
  ): DurableConsumer {
    const s = this.streams.get(stream);
    if (!s) throw new Error(`no stream ${stream}`);
    let c = s.consumers.get(durable);
    if (!c) {
      c = new DurableConsumer(
        s.log,
        DurableConsumer.fileFor(this.dataDir, stream, durable),
        filterSubjects,
        ackWaitMs,
      );
      s.consumers.set(durable, c);
    } else {
      c.filterSubjects = filterSubjects;
      c.ackWaitMs = ackWaitMs;
    }
    return c;
  }

  /** Keeps every consumer's position and closes the stream files (after the services closed). */
  close(): void {
    for (const s of this.streams.values()) {
      for (const c of s.consumers.values()) c.close();
      s.log.close();
    }
    this.streams.clear();
    this.subs.clear();
  }
}
