import { Injectable } from '@nestjs/common';
import { ErasureCounts } from '@parley/common';
import { Call, CallSchema, CallStatus } from '@parley/contracts';
import {
  CallStore,
  ENDED_RETENTION_SECONDS,
  MoveResult,
  StoredCall,
  SwapResult,
  TERMINAL,
} from './call.store';

/** How often ended calls past their retention are swept out. */
const SWEEP_EVERY_MS = 60_000;

const keyOf = (appId: string, id: string) => `${appId}|${id}`;

function parseStored(raw: string | undefined): StoredCall | null {
  return raw ? { call: CallSchema.parse(JSON.parse(raw)), raw } : null;
}

/**
 * Call state in the process (the one-process mode, where presence has no replicas): the same steps
 * as `RedisCallStore`, each atomic because it runs without awaiting. Calls are kept as JSON, as in
 * Redis, so a caller never shares an object with the store and compare-and-set compares the JSON.
 */
@Injectable()
export class MemoryCallStore extends CallStore {
  /** `<appId>|<sessionId>` -> the call, and when it expires (Unix ms) once it ended. */
  private readonly calls = new Map<string, { raw: string; expiresAtMs?: number }>();
  /** `<appId>|<uid>` -> the session the user's line is on. */
  private readonly lines = new Map<string, string>();
  /** `<appId>|<guid>` -> the session the group's line is on. */
  private readonly groupLines = new Map<string, string>();
  /** `<appId>|<sessionId>` -> ring deadline (Unix ms). */
  private readonly ringing = new Map<string, number>();
  private lastSweepMs = 0;

  async create(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'> {
    this.sweep();
    const key = keyOf(appId, call.sessionid);
    if (this.lines.has(keyOf(appId, call.sender))) return 'self';
    if (this.lines.has(keyOf(appId, call.receiver))) {
      this.store(key, { ...call, status: 'busy', endedAt: call.initiatedAt }, true);
      return 'busy';
    }
    this.store(key, call, false);
    this.lines.set(keyOf(appId, call.sender), call.sessionid);
    this.lines.set(keyOf(appId, call.receiver), call.sessionid);
    this.ringing.set(key, deadlineMs);
    return 'ringing';
  }

  async get(appId: string, sessionId: string): Promise<Call | null> {
    return (await this.read(appId, sessionId))?.call ?? null;
  }

  async read(appId: string, sessionId: string): Promise<StoredCall | null> {
    return parseStored(this.stored(keyOf(appId, sessionId)));
  }

  async createGroup(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'> {
    this.sweep();
    if (this.lines.has(keyOf(appId, call.sender))) return 'self';
    if (this.groupLines.has(keyOf(appId, call.receiver))) return 'busy';
    const key = keyOf(appId, call.sessionid);
    this.store(key, call, false);
    this.lines.set(keyOf(appId, call.sender), call.sessionid);
    this.groupLines.set(keyOf(appId, call.receiver), call.sessionid);
    this.ringing.set(key, deadlineMs);
    return 'ringing';
  }

  async swapGroup(
    appId: string,
    from: StoredCall,
    next: Call,
    actor: string,
    line: 'claim' | 'free' | 'none',
    { keepDeadline = false } = {},
  ): Promise<SwapResult> {
    const key = keyOf(appId, next.sessionid);
    const raw = this.stored(key);
    if (!raw) return { changed: null };
    if (raw !== from.raw) return { changed: parseStored(raw) };
    const actorLine = keyOf(appId, actor);
    const held = this.lines.get(actorLine);
    if (line === 'claim') {
      if (held && held !== next.sessionid) return 'self';
      this.lines.set(actorLine, next.sessionid);
    } else if (line === 'free' && held === next.sessionid) {
      this.lines.delete(actorLine);
    }
    const ends = TERMINAL.has(next.status);
    this.store(key, next, ends);
    if (ends) {
      this.free(this.groupLines, keyOf(appId, next.receiver), next.sessionid);
      const joined = (from.call.participants ?? []).filter((p) => p.leftAt === undefined);
      for (const uid of [actor, ...joined.map((p) => p.uid)])
        this.free(this.lines, keyOf(appId, uid), next.sessionid);
    }
    if (next.status !== 'initiated' && !keepDeadline) this.ringing.delete(key);
    return 'ok';
  }

  async move(
    appId: string,
    from: CallStatus,
    next: Call,
    { keepDeadline = false } = {},
  ): Promise<MoveResult> {
    const key = keyOf(appId, next.sessionid);
    const stored = parseStored(this.stored(key));
    if (!stored) return { moved: false, current: null };
    if (stored.call.status !== from) return { moved: false, current: stored.call };
    const ends = TERMINAL.has(next.status);
    this.store(key, next, ends);
    if (ends) {
      for (const uid of [next.sender, next.receiver])
        this.free(this.lines, keyOf(appId, uid), next.sessionid);
    }
    if (!keepDeadline) this.ringing.delete(key);
    return { moved: true };
  }

  async discard(appId: string, call: Call): Promise<void> {
    await this.move(appId, call.status, { ...call, status: 'cancelled' });
    this.calls.delete(keyOf(appId, call.sessionid));
  }

  async discardGroup(appId: string, stored: StoredCall): Promise<void> {
    const { call } = stored;
    await this.swapGroup(appId, stored, { ...call, status: 'cancelled' }, call.sender, 'free');
    this.calls.delete(keyOf(appId, call.sessionid));
  }

  async overdue(nowMs: number): Promise<Array<[string, string]>> {
    return [...this.ringing]
      .filter(([, deadline]) => deadline <= nowMs)
      .sort(([, a], [, b]) => a - b)
      .slice(0, 100)
      .map(([key]) => key.split('|') as [string, string]);
  }

  async dropDeadline(appId: string, sessionId: string): Promise<void> {
    this.ringing.delete(keyOf(appId, sessionId));
  }

  async eraseApp(appId: string): Promise<ErasureCounts> {
    const erase = (map: Map<string, unknown>) => {
      let erased = 0;
      for (const key of [...map.keys()])
        if (key.startsWith(`${appId}|`)) erased += Number(map.delete(key));
      return erased;
    };
    return {
      'presence.calls': erase(this.calls),
      'presence.lines': erase(this.lines),
      'presence.groupCalls': erase(this.groupLines),
      'presence.ringing': erase(this.ringing),
    };
  }

  /** Keeps `call`; one that ended is kept for the retention only (as Redis expires it). */
  private store(key: string, call: Call, ended: boolean) {
    this.calls.set(key, {
      raw: JSON.stringify(call),
      ...(ended ? { expiresAtMs: Date.now() + ENDED_RETENTION_SECONDS * 1000 } : {}),
    });
  }

  /** Frees a line if it is still on `sessionId`. */
  private free(lines: Map<string, string>, key: string, sessionId: string) {
    if (lines.get(key) === sessionId) lines.delete(key);
  }

  private stored(key: string): string | undefined {
    const entry = this.calls.get(key);
    if (entry?.expiresAtMs !== undefined && entry.expiresAtMs <= Date.now()) {
      this.calls.delete(key);
      return undefined;
    }
    return entry?.raw;
  }

  /** Drops ended calls past their retention (Redis expires them by itself). */
  private sweep() {
    const now = Date.now();
    if (now - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = now;
    for (const key of [...this.calls.keys()]) this.stored(key);
  }
}
