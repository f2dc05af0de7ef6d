import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Lanes } from '../bus/lanes';
import { StoredMessage, StreamLog } from './stream-log';
import { subjectMatches } from './subject-pattern';

/** Messages handed out and not yet acknowledged, at most (as JetStream's max_ack_pending). */
const MAX_IN_FLIGHT = 1000;
/** How long after a failed handler the message comes again (as the NATS bus's nak delay). */
export const REDELIVERY_DELAY_MS = 1000;
/** Acknowledgements are written at most this often (a crash then redelivers a few: at-least-once). */
const SAVE_EVERY_MS = 200;

/** What a durable consumer remembers across restarts. */
interface ConsumerState {
  /** Every message of the filter up to this sequence is acknowledged. */
  ackFloor: number;
  /** Acknowledged sequences above the floor (handled out of order by lanes). */
  acked: number[];
}

/** One subscription reading a consumer: messages are spread over the readers in turn. */
export interface ConsumerReader {
  lanes: Lanes;
  keyOf(m: StoredMessage): string;
  /** `receivedAt`: when the message was handed out (`performance.now()`), before its lane ran it. */
  handle(m: StoredMessage, receivedAt: number): Promise<void>;
  stopped: boolean;
}

/**
 * A durable consumer of a `StreamLog`, as a JetStream durable with explicit acks: every message
 * matching the filter from the first on, at least once; a failed one again after
 * REDELIVERY_DELAY_MS. Its acknowledgement position is kept in a file beside the stream.
 */
export class DurableConsumer {
  private ackFloor: number;
  private readonly acked: Set<number>;
  /** Next sequence never handed out yet. */
  private cursor: number;
  /** Handed out (or waiting to be redelivered), not acknowledged. */
  private readonly pending = new Set<number>();
  private readonly due: number[] = [];
  private readonly readers: ConsumerReader[] = [];
  private nextReader = 0;
  private inFlight = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly stream: StreamLog,
    private readonly file: string,
    public filterSubjects: string[],
  ) {
    const state = readState(file);
    this.ackFloor = Math.min(state.ackFloor, stream.lastSeq);
    this.acked = new Set(state.acked.filter((s) => s > this.ackFloor));
    this.cursor = this.ackFloor + 1;
  }

  static fileFor(dir: string, stream: string, durable: string): string {
    return path.join(dir, `${stream}.${encodeURIComponent(durable)}.consumer.json`);
  }

  attach(reader: ConsumerReader): void {
    this.readers.push(reader);
    this.pump();
  }

  detach(reader: ConsumerReader): void {
    const i = this.readers.indexOf(reader);
    if (i >= 0) this.readers.splice(i, 1);
  }

  /** Hands out what is due and new, as far as readers and the in-flight limit allow. */
  pump(): void {
    while (!this.closed && this.readers.length && this.inFlight < MAX_IN_FLIGHT) {
      const m = this.takeNext();
      if (!m) return;
      const reader = this.readers[this.nextReader++ % this.readers.length];
      this.inFlight++;
      this.pending.add(m.seq);
      const handedOutAt = performance.now();
      reader.lanes.run(reader.keyOf(m), () => this.deliver(reader, m, handedOutAt));
    }
  }

  /** Writes the acknowledgement position now and stops handing out. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.saveTimer) this.save();
  }

  private async deliver(
    reader: ConsumerReader,
    m: StoredMessage,
    handedOutAt: number,
  ): Promise<void> {
    try {
      if (reader.stopped || this.closed) {
        this.redeliver(m.seq, 0);
        return;
      }
      try {
        await reader.handle(m, handedOutAt);
        this.ack(m.seq);
      } catch {
        this.redeliver(m.seq, REDELIVERY_DELAY_MS);
      }
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private takeNext(): StoredMessage | undefined {
    while (this.due.length) {
      const m = this.stream.get(this.due.shift()!);
      if (m) return m;
    }
    while (this.cursor <= this.stream.lastSeq) {
      const m = this.stream.get(this.cursor++);
      if (
        m &&
        !this.acked.has(m.seq) &&
        this.filterSubjects.some((f) => subjectMatches(f, m.subject))
      )
        return m;
    }
    return undefined;
  }

  private redeliver(seq: number, afterMs: number) {
    if (this.closed) return;
    const requeue = () => {
      this.due.push(seq);
      this.due.sort((a, b) => a - b);
      this.pump();
    };
    if (afterMs === 0) return requeue();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      requeue();
    }, afterMs);
    timer.unref();
    this.timers.add(timer);
  }

  private ack(seq: number) {
    this.pending.delete(seq);
    this.acked.add(seq);
    let oldestPending = this.cursor;
    for (const s of this.pending) oldestPending = Math.min(oldestPending, s);
    const floor = oldestPending - 1;
    if (floor > this.ackFloor) {
      this.ackFloor = floor;
      for (const s of this.acked) if (s <= floor) this.acked.delete(s);
    }
    this.saveSoon();
  }

  private saveSoon() {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => this.save(), SAVE_EVERY_MS);
    this.saveTimer.unref();
  }

  private save() {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const state: ConsumerState = { ackFloor: this.ackFloor, acked: [...this.acked] };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.file);
  }
}

function readState(file: string): ConsumerState {
  if (!existsSync(file)) return { ackFloor: 0, acked: [] };
  const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConsumerState>;
  return { ackFloor: state.ackFloor ?? 0, acked: state.acked ?? [] };
}
