import { BusMessage, Clock, encodeJson, MessageBus, Metrics, Subscription } from '@parley/common';
import { PresenceSubscription } from '@parley/contracts';
import { Connection } from '../connection';
import { GroupDirectory } from '../group-directory';
import { REALTIME_LIMITS, RealtimeLimits } from '../realtime-limits';
import { RealtimeMetrics } from '../realtime.metrics';

/** A core-NATS stand-in: records live subscriptions and lets a test publish to them. */
export class FakeDeliveryBus {
  private readonly subs = new Map<string, Set<(msg: BusMessage) => void>>();
  readonly flush = jest.fn(async () => undefined);

  subscribe(subject: string, handler: (msg: BusMessage) => void): Subscription {
    const set = this.subs.get(subject) ?? new Set();
    set.add(handler);
    this.subs.set(subject, set);
    return {
      unsubscribe: () => {
        set.delete(handler);
        if (!set.size) this.subs.delete(subject);
      },
      drain: async () => undefined,
    };
  }

  /** Delivers to every subscription whose subject (NATS wildcards `*` and `>`) matches. */
  publish(subject: string, frame: unknown): void {
    const data = encodeJson(frame);
    for (const [pattern, handlers] of [...this.subs]) {
      if (!subjectMatches(pattern, subject)) continue;
      for (const h of [...handlers]) h({ subject, data, headers: {} });
    }
  }

  /** Subjects with at least one subscription, sorted. */
  subjects(): string[] {
    return [...this.subs.keys()].sort();
  }

  /** How many subscriptions a subject has (the registry holds at most one). */
  count(subject: string): number {
    return this.subs.get(subject)?.size ?? 0;
  }

  asBus(): MessageBus {
    return this as unknown as MessageBus;
  }
}

function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

let connectionIds = 0;

/** A socket as the registry sees it, recording what it was sent and how it was closed. */
export class FakeConnection implements Connection {
  readonly frames: unknown[] = [];
  readonly connectionId = `conn-${++connectionIds}`;
  closed?: { code: number; reason: string };
  buffered = 0;
  presenceSubscription: PresenceSubscription = { kind: 'none' };

  constructor(
    readonly appId: string,
    readonly uid: string,
    readonly deviceId: string | undefined,
    readonly tokenHash = `hash-of-${uid}-${deviceId ?? 'none'}`,
  ) {}

  bufferedAmount(): number {
    return this.buffered;
  }
  send(frame: Buffer): void {
    this.frames.push(JSON.parse(frame.toString('utf8')));
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

/** A directory answering from a map `uid -> guids`, or with a failure. */
export function fakeDirectory(groupsOf: Record<string, string[]> = {}) {
  const directory = {
    groupsOf: jest.fn(async (_appId: string, uid: string) => groupsOf[uid] ?? []),
  };
  return { directory, asDirectory: () => directory as unknown as GroupDirectory };
}

/** A clock a test moves by hand. */
export function fakeClock(startMs = 1_800_000_000_000) {
  let now = startMs;
  const clock = { now: () => new Date(now), nowSeconds: () => Math.floor(now / 1000) };
  return { clock: clock as unknown as Clock, advance: (ms: number) => (now += ms) };
}

export const TEST_LIMITS: RealtimeLimits = {
  ...REALTIME_LIMITS,
  maxBufferedBytes: 1000,
  ephemeralBufferedBytes: 100,
};

/** The gateway's realtime counters on a registry of their own. */
export const testMetrics = () => new RealtimeMetrics(new Metrics());
