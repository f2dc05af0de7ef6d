import { Injectable } from '@nestjs/common';
import { Call, CallSchema, CallStatus } from '@parley/contracts';
import { CallStore, ENDED_RETENTION_SECONDS, MoveResult, TERMINAL } from './call.store';

/** How often ended calls past their retention are swept out. */
const SWEEP_EVERY_MS = 60_000;

const callKey = (appId: string, sessionId: string) => `${appId}|${sessionId}`;

/**
 * Call state in the process (the one-process mode, where presence has no replicas): the same steps
 * as `RedisCallStore`, each atomic because it runs without awaiting. Calls are kept as JSON, as in
 * Redis, so a caller never shares an object with the store.
 */
@Injectable()
export class MemoryCallStore extends CallStore {
  /** `<appId>|<sessionId>` -> the call, and when it expires (Unix ms) once it ended. */
  private readonly calls = new Map<string, { json: string; expiresAtMs?: number }>();
  /** `<appId>|<uid>` -> the session the user's line is on. */
  private readonly lines = new Map<string, string>();
  /** `<appId>|<sessionId>` -> ring deadline (Unix ms). */
  private readonly ringing = new Map<string, number>();
  private lastSweepMs = 0;

  async create(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'> {
    this.sweep();
    const key = callKey(appId, call.sessionid);
    if (this.lines.has(callKey(appId, call.sender))) return 'self';
    if (this.lines.has(callKey(appId, call.receiver))) {
      const busy: Call = { ...call, status: 'busy', endedAt: call.initiatedAt };
      this.calls.set(key, { json: JSON.stringify(busy), expiresAtMs: this.retainedUntil() });
      return 'busy';
    }
    this.calls.set(key, { json: JSON.stringify(call) });
    this.lines.set(callKey(appId, call.sender), call.sessionid);
    this.lines.set(callKey(appId, call.receiver), call.sessionid);
    this.ringing.set(key, deadlineMs);
    return 'ringing';
  }

  async get(appId: string, sessionId: string): Promise<Call | null> {
    const json = this.stored(callKey(appId, sessionId));
    return json ? CallSchema.parse(JSON.parse(json)) : null;
  }

  async move(
    appId: string,
    from: CallStatus,
    next: Call,
    { keepDeadline = false } = {},
  ): Promise<MoveResult> {
    const key = callKey(appId, next.sessionid);
    const json = this.stored(key);
    if (!json) return { moved: false, current: null };
    const current = CallSchema.parse(JSON.parse(json));
    if (current.status !== from) return { moved: false, current };
    const ends = TERMINAL.has(next.status);
    this.calls.set(key, {
      json: JSON.stringify(next),
      ...(ends ? { expiresAtMs: this.retainedUntil() } : {}),
    });
    if (ends) {
      for (const uid of [next.sender, next.receiver]) {
        if (this.lines.get(callKey(appId, uid)) === next.sessionid)
          this.lines.delete(callKey(appId, uid));
      }
    }
    if (!keepDeadline) this.ringing.delete(key);
    return { moved: true };
  }

  async discard(appId: string, call: Call): Promise<void> {
    await this.move(appId, call.status, { ...call, status: 'cancelled' });
    this.calls.delete(callKey(appId, call.sessionid));
  }

  async overdue(nowMs: number): Promise<Array<[string, string]>> {
    return [...this.ringing]
      .filter(([, deadline]) => deadline <= nowMs)
      .sort(([, a], [, b]) => a - b)
      .slice(0, 100)
      .map(([key]) => key.split('|') as [string, string]);
  }

  async dropDeadline(appId: string, sessionId: string): Promise<void> {
    this.ringing.delete(callKey(appId, sessionId));
  }

  private stored(key: string): string | undefined {
    const entry = this.calls.get(key);
    if (entry?.expiresAtMs !== undefined && entry.expiresAtMs <= Date.now()) {
      this.calls.delete(key);
      return undefined;
    }
    return entry?.json;
  }

  private retainedUntil(): number {
    return Date.now() + ENDED_RETENTION_SECONDS * 1000;
  }

  /** Drops ended calls past their retention (Redis expires them by itself). */
  private sweep() {
    const now = Date.now();
    if (now - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = now;
    for (const key of [...this.calls.keys()]) this.stored(key);
  }
}
