import { Inject, Injectable } from '@nestjs/common';
import { deleteKeysMatching, ErasureCounts, Redis, removeMembersMatching } from '@parley/common';
import { Call, CallSchema, CallStatus } from '@parley/contracts';
import { PRESENCE_ENV, PresenceEnv } from '../config/presence-env';

function parseStored(raw: string | null): StoredCall | null {
  return raw ? { call: CallSchema.parse(JSON.parse(raw)), raw } : null;
}

/** The Redis keys of calls (under presence's prefix). */
class CallKeys {
  constructor(private readonly prefix: string) {}
  /** One call, as JSON. */
  call(appId: string, sessionId: string) {
    return `${this.prefix}:call:${appId}:${sessionId}`;
  }
  /** The session a user is on (ringing or ongoing), whichever device: the busy test. */
  active(appId: string, uid: string) {
    return `${this.prefix}:oncall:${appId}:${uid}`;
  }
  /** The session a group is on (ringing or ongoing): one call per group at a time. */
  group(appId: string, guid: string) {
    return `${this.prefix}:groupcall:${appId}:${guid}`;
  }
  /** `<appId>|<sessionId>` -> ring deadline (ms): past it, an unanswered call is `unanswered`. */
  get ringing() {
    return `${this.prefix}:ringing`;
  }
}

/** How long an ended call stays known (its session id answers ERR_CALL_TERMINATED). */
const ENDED_RETENTION_SECONDS = 86_400;

/** Statuses after which nothing more happens to a call. */
export const TERMINAL: ReadonlySet<CallStatus> = new Set([
  'unanswered',
  'rejected',
  'busy',
  'cancelled',
  'ended',
]);

/**
 * Creates a call. 'self' when the caller is on a call already; 'busy' when the callee is (the
 * call is stored as busy, nobody's line taken); else 'ringing': both lines taken, the deadline set.
 */
const CREATE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'self' end
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[6])
  return 'busy'
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[4])
redis.call('SET', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[5])
return 'ringing'`;

/**
 * Moves a call from status ARGV[1] to the JSON ARGV[2]; when it ends (ARGV[3] = '1') frees both
 * lines (if still this call's) and keeps the call for the retention (ARGV[7] s); ARGV[6] = '1'
 * drops the ring deadline (the timeout sweep drops it only once the message is stored). Returns the stored JSON when the status was
 * not ARGV[1] (someone else moved first), nil when there is no such call, 'ok' when moved.
 */
const MOVE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
if cjson.decode(raw).status ~= ARGV[1] then return raw end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' then
  redis.call('EXPIRE', KEYS[1], ARGV[7])
  for i = 2, 3 do
    if redis.call('GET', KEYS[i]) == ARGV[4] then redis.call('DEL', KEYS[i]) end
  end
end
if ARGV[6] == '1' then redis.call('ZREM', KEYS[4], ARGV[5]) end
return 'ok'`;

/**
 * Creates a group call: 'self' when the caller is on a call, 'busy' when the group is; else the
 * caller's line and the group's taken, the deadline set, 'ringing'.
 */
const CREATE_GROUP = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'self' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'busy' end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
return 'ringing'`;

/**
 * Replaces a group call's JSON if it is still exactly ARGV[1] (compare and set): KEYS[1] the call,
 * KEYS[2] the ring deadlines, KEYS[3] the group's line, KEYS[4] the acting member's line, KEYS[5..]
 * the lines to free when the call ends. ARGV[3] 'claim' takes the member's line ('self' when it
 * holds another call), 'free' gives it back; ARGV[5] = '1' ends the call (frees the group's line
 * and KEYS[5..], keeps the call for ARGV[7] s); ARGV[6] = '1' drops the ring deadline. Returns 'ok',
 * nil when there is no such call, or the stored JSON when it changed meanwhile.
 */
const SWAP_GROUP = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
if raw ~= ARGV[1] then return raw end
local line = redis.call('GET', KEYS[4])
if ARGV[3] == 'claim' then
  if line and line ~= ARGV[8] then return 'self' end
  redis.call('SET', KEYS[4], ARGV[8])
elseif ARGV[3] == 'free' and line == ARGV[8] then
  redis.call('DEL', KEYS[4])
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[5] == '1' then
  redis.call('EXPIRE', KEYS[1], ARGV[7])
  for i = 3, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[8] then redis.call('DEL', KEYS[i]) end
  end
end
if ARGV[6] == '1' then redis.call('ZREM', KEYS[2], ARGV[4]) end
return 'ok'`;

/** A stored call as read, with the exact JSON a compare-and-set compares against. */
export interface StoredCall {
  call: Call;
  raw: string;
}

export type SwapResult = 'ok' | 'self' | { changed: StoredCall | null };

export type MoveResult = { moved: true } | { moved: false; current: Call | null };

/** Call state in Redis (ARCHITECTURE.md §8): the only code that knows its keys. */
@Injectable()
export class CallStore {
  private readonly keys: CallKeys;

  constructor(
    @Inject(Redis) private readonly redis: Redis,
    @Inject(PRESENCE_ENV) env: Pick<PresenceEnv, 'PRESENCE_KEY_PREFIX'>,
  ) {
    this.keys = new CallKeys(env.PRESENCE_KEY_PREFIX);
  }

  async create(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'> {
    const busy: Call = { ...call, status: 'busy', endedAt: call.initiatedAt };
    return (await this.redis.eval(
      CREATE,
      4,
      this.keys.call(appId, call.sessionid),
      this.keys.active(appId, call.sender),
      this.keys.active(appId, call.receiver),
      this.keys.ringing,
      JSON.stringify(call),
      JSON.stringify(busy),
      String(deadlineMs),
      call.sessionid,
      `${appId}|${call.sessionid}`,
      String(ENDED_RETENTION_SECONDS),
    )) as 'self' | 'busy' | 'ringing';
  }

  /** Forgets an app's calls, the users' and groups' lines and its ring deadlines. */
  async eraseApp(appId: string): Promise<ErasureCounts> {
    return {
      'presence.calls': await deleteKeysMatching(this.redis, this.keys.call(appId, '*')),
      'presence.lines': await deleteKeysMatching(this.redis, this.keys.active(appId, '*')),
      'presence.groupCalls': await deleteKeysMatching(this.redis, this.keys.group(appId, '*')),
      'presence.ringing': await removeMembersMatching(this.redis, this.keys.ringing, `${appId}|*`),
    };
  }

  async get(appId: string, sessionId: string): Promise<Call | null> {
    return (await this.read(appId, sessionId))?.call ?? null;
  }

  async read(appId: string, sessionId: string): Promise<StoredCall | null> {
    return parseStored(await this.redis.get(this.keys.call(appId, sessionId)));
  }

  /** Creates a group call (see CREATE_GROUP); the caller is its first participant. */
  async createGroup(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'> {
    return (await this.redis.eval(
      CREATE_GROUP,
      4,
      this.keys.call(appId, call.sessionid),
      this.keys.active(appId, call.sender),
      this.keys.group(appId, call.receiver),
      this.keys.ringing,
      JSON.stringify(call),
      call.sessionid,
      String(deadlineMs),
      `${appId}|${call.sessionid}`,
    )) as 'self' | 'busy' | 'ringing';
  }

  /**
   * Moves a group call from `from` (as read) to `next` if nobody moved it meanwhile (see
   * SWAP_GROUP): `line` claims or frees `actor`'s line; an ending call frees every listed line.
   */
  async swapGroup(
    appId: string,
    from: StoredCall,
    next: Call,
    actor: string,
    line: 'claim' | 'free' | 'none',
    { keepDeadline = false } = {},
  ): Promise<SwapResult> {
    const ends = TERMINAL.has(next.status);
    const joined = ends ? (from.call.participants ?? []).filter((p) => p.leftAt === undefined) : [];
    const result = (await this.redis.eval(
      SWAP_GROUP,
      4 + joined.length,
      this.keys.call(appId, next.sessionid),
      this.keys.ringing,
      this.keys.group(appId, next.receiver),
      this.keys.active(appId, actor),
      ...joined.map((p) => this.keys.active(appId, p.uid)),
      from.raw,
      JSON.stringify(next),
      line,
      `${appId}|${next.sessionid}`,
      ends ? '1' : '0',
      next.status === 'initiated' || keepDeadline ? '0' : '1',
      String(ENDED_RETENTION_SECONDS),
      next.sessionid,
    )) as string | null;
    if (result === 'ok' || result === 'self') return result;
    return { changed: parseStored(result) };
  }

  /** Moves `from` -> `next` atomically (see MOVE). */
  async move(
    appId: string,
    from: CallStatus,
    next: Call,
    { keepDeadline = false } = {},
  ): Promise<MoveResult> {
    const result = (await this.redis.eval(
      MOVE,
      4,
      this.keys.call(appId, next.sessionid),
      this.keys.active(appId, next.sender),
      this.keys.active(appId, next.receiver),
      this.keys.ringing,
      from,
      JSON.stringify(next),
      TERMINAL.has(next.status) ? '1' : '0',
      next.sessionid,
      `${appId}|${next.sessionid}`,
      keepDeadline ? '0' : '1',
      String(ENDED_RETENTION_SECONDS),
    )) as string | null;
    if (result === 'ok') return { moved: true };
    return { moved: false, current: result ? CallSchema.parse(JSON.parse(result)) : null };
  }

  /** Forgets a call whose first message could not be stored (nothing happened). */
  async discard(appId: string, call: Call): Promise<void> {
    await this.move(appId, call.status, { ...call, status: 'cancelled' });
    await this.redis.del(this.keys.call(appId, call.sessionid));
  }

  /** Forgets a group call whose first message could not be stored (nothing happened). */
  async discardGroup(appId: string, stored: StoredCall): Promise<void> {
    const { call } = stored;
    await this.swapGroup(appId, stored, { ...call, status: 'cancelled' }, call.sender, 'free');
    await this.redis.del(this.keys.call(appId, call.sessionid));
  }

  /** Ringing calls whose deadline passed, as [appId, sessionId]. */
  async overdue(nowMs: number): Promise<Array<[string, string]>> {
    const members = await this.redis.zrangebyscore(
      this.keys.ringing,
      '-inf',
      nowMs,
      'LIMIT',
      0,
      100,
    );
    return members.flatMap((m) => {
      const [appId, sessionId] = m.split('|');
      return appId && sessionId ? [[appId, sessionId] as [string, string]] : [];
    });
  }

  /** Drops a deadline (the call is no longer ringing). */
  async dropDeadline(appId: string, sessionId: string): Promise<void> {
    await this.redis.zrem(this.keys.ringing, `${appId}|${sessionId}`);
  }
}
