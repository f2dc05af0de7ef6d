import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Headers } from '../bus/message-bus';

/** One message of a stream, as stored. */
export interface StoredMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
  headers: Headers;
  msgId: string;
  /** Unix ms when the stream stored it. */
  time: number;
}

export interface StreamRetention {
  /** Messages older than this are dropped (when the stream is opened). */
  maxAgeMs: number;
  /** A publish repeating a `msgId` stored this recently is taken as a duplicate. */
  duplicateWindowMs: number;
}

/** A line of the file: a message, or the sequence below which messages were dropped by age. */
type Line =
  | { seq: number; subject: string; data: string; headers?: Headers; msgId: string; time: number }
  | { dropped: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A durable stream kept as an append-only file of JSON lines under `dir` (`<name>.stream`), with
 * every message in memory. Sequence numbers start at 1 and never repeat, even after old messages
 * are dropped. A torn last line (a crash mid-write) is ignored when the file is read back.
 */
export class StreamLog {
  private readonly messages: StoredMessage[] = [];
  /** Sequence of `messages[0]` (the first one kept). */
  private firstSeq = 1;
  private lastSeq_ = 0;
  /** msgId -> Unix ms it was stored, oldest first (a Map keeps insertion order). */
  private readonly recentIds = new Map<string, number>();
  private fd: number | undefined;

  private constructor(
    private readonly file: string,
    private readonly retention: StreamRetention,
  ) {}

  /** Opens (or creates) the stream's file, dropping messages past their age. */
  static open(dir: string, name: string, retention: StreamRetention, nowMs: number): StreamLog {
    const log = new StreamLog(path.join(dir, `${name}.stream`), retention);
    log.load(nowMs);
    log.fd = openSync(log.file, 'a');
    return log;
  }

  get lastSeq(): number {
    return this.lastSeq_;
  }

  /** The message with this sequence, unless it was dropped. */
  get(seq: number): StoredMessage | undefined {
    return this.messages[seq - this.firstSeq];
  }

  /**
   * Stores a message and returns its sequence, or `undefined` when `msgId` was stored within the
   * duplicate window (the message is then not stored again).
   */
  append(
    subject: string,
    data: Uint8Array,
    msgId: string,
    headers: Headers,
    nowMs: number,
  ): number | undefined {
    this.forgetIdsBefore(nowMs - this.retention.duplicateWindowMs);
    if (this.recentIds.has(msgId)) return undefined;
    const message = { seq: this.lastSeq_ + 1, subject, data, headers, msgId, time: nowMs };
    if (this.fd === undefined) throw new Error('stream closed');
    writeSync(this.fd, `${JSON.stringify(toLine(message))}\n`);
    this.add(message);
    return message.seq;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private add(m: StoredMessage) {
    if (this.messages.length === 0) this.firstSeq = m.seq;
    this.messages.push(m);
    this.lastSeq_ = m.seq;
    this.recentIds.delete(m.msgId);
    this.recentIds.set(m.msgId, m.time);
  }

  private forgetIdsBefore(cutoffMs: number) {
    for (const [id, time] of this.recentIds) {
      if (time >= cutoffMs) break;
      this.recentIds.delete(id);
    }
  }

  private load(nowMs: number) {
    if (!existsSync(this.file)) return;
    const text = readFileSync(this.file, 'utf8');
    const cutoff = nowMs - this.retention.maxAgeMs;
    let rewrite = false;
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        rewrite = true; // a torn write: the message was never acknowledged as stored
        continue;
      }
      if ('dropped' in line) {
        this.lastSeq_ = Math.max(this.lastSeq_, line.dropped);
      } else if (line.time < cutoff) {
        this.lastSeq_ = Math.max(this.lastSeq_, line.seq);
        rewrite = true;
      } else {
        this.add(fromLine(line));
      }
    }
    this.firstSeq = this.messages[0]?.seq ?? this.lastSeq_ + 1;
    this.forgetIdsBefore(nowMs - this.retention.duplicateWindowMs);
    if (rewrite) this.compact();
  }

  /** Rewrites the file with the messages kept (replacing it at once, so a crash loses nothing). */
  private compact() {
    const lines: Line[] = [{ dropped: this.firstSeq - 1 }, ...this.messages.map(toLine)];
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    closeSync(fd);
    renameSync(tmp, this.file);
  }
}

function toLine(m: StoredMessage): Line {
  return {
    seq: m.seq,
    subject: m.subject,
    data: decoder.decode(m.data),
    ...(Object.keys(m.headers).length ? { headers: m.headers } : {}),
    msgId: m.msgId,
    time: m.time,
  };
}

function fromLine(l: Extract<Line, { seq: number }>): StoredMessage {
  return { ...l, data: encoder.encode(l.data), headers: l.headers ?? {} };
}
