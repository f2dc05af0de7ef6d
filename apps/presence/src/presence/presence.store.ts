import { Inject, Injectable } from '@nestjs/common';
import { Redis } from '@parley/common';
import { PresenceConnection } from '@parley/contracts';

const PREFIX = 'parley:presence';
/** The sockets of a user, on any gateway: field `<gatewayId>|<connectionId>`, value opened (s). */
const connectionsKey = (appId: string, uid: string) => `${PREFIX}:conns:${appId}:${uid}`;
/** The uids of an app with at least one socket. */
const onlineKey = (appId: string) => `${PREFIX}:online:${appId}`;
/** uid -> Unix seconds of the user's last change (online or offline); kept without expiry. */
const lastActiveKey = (appId: string) => `${PREFIX}:last:${appId}`;
/** The sockets a gateway reported, as `<appId>|<uid>|<connectionId>`. */
const gatewayKey = (gatewayId: string) => `${PREFIX}:gw:${gatewayId}`;
/** gatewayId -> deadline (ms): past it without a heartbeat, the gateway's sockets are gone. */
const GATEWAYS_KEY = `${PREFIX}:gateways`;

const field = (c: PresenceConnection) => `${c.gatewayId}|${c.connectionId}`;
const member = (c: Omit<PresenceConnection, 'gatewayId'>) =>
  `${c.appId}|${c.uid}|${c.connectionId}`;

// Each script is one atomic step, so of two replicas racing on the same user exactly one sees
// the transition (and announces it).

/** Adds a socket; 1 when it is the user's first (the user came online). */
const OPEN = `
local first = redis.call('HLEN', KEYS[1]) == 0
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[3])
if first then
  redis.call('SADD', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[4], ARGV[2], ARGV[4])
  return 1
end
return 0`;

/** Removes a socket; 1 when it was the user's last (the user went offline). */
const CLOSE = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[3])
if removed == 1 and redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[4], ARGV[2], ARGV[4])
  return 1
end
return 0`;

/** Moves a known gateway's deadline; 0 when presence does not know it (never seen, or expired). */
const BEAT = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
  return 1
end
return 0`;

/** Takes an expired gateway off the list, unless a heartbeat revived it; 1 for the one taker. */
const CLAIM = `
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) <= tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * Presence state in Redis (ARCHITECTURE.md §7): each user's sockets, each app's online set, each
 * gateway's sockets and heartbeat deadline, and `lastActiveAt`. The only code that knows the keys.
 */
@Injectable()
export class PresenceStore {
  constructor(@Inject(Redis) private readonly redis: Redis) {}

  /** Records a socket; true when the user came online with it. */
  async open(c: PresenceConnection, nowSeconds: number): Promise<boolean> {
    const result = await this.redis.eval(
      OPEN,
      4,
      connectionsKey(c.appId, c.uid),
      onlineKey(c.appId),
      gatewayKey(c.gatewayId),
      lastActiveKey(c.appId),
      field(c),
      c.uid,
      member(c),
      String(nowSeconds),
    );
    return result === 1;
  }

  /** Forgets a socket; true when the user went offline with it. */
  async close(c: PresenceConnection, nowSeconds: number): Promise<boolean> {
    const result = await this.redis.eval(
      CLOSE,
      4,
      connectionsKey(c.appId, c.uid),
      onlineKey(c.appId),
      gatewayKey(c.gatewayId),
      lastActiveKey(c.appId),
      field(c),
      c.uid,
      member(c),
      String(nowSeconds),
    );
    return result === 1;
  }

  /** Extends a known gateway's deadline; false when it is unknown (it must sync). */
  async beat(gatewayId: string, deadlineMs: number): Promise<boolean> {
    return (await this.redis.eval(BEAT, 1, GATEWAYS_KEY, gatewayId, String(deadlineMs))) === 1;
  }

  /** Makes a gateway known with this deadline (its first report, or a sync). */
  async enlist(gatewayId: string, deadlineMs: number): Promise<void> {
    await this.redis.zadd(GATEWAYS_KEY, deadlineMs, gatewayId);
  }

  /** The sockets presence holds for a gateway. */
  async connectionsOf(gatewayId: string): Promise<PresenceConnection[]> {
    const members = await this.redis.smembers(gatewayKey(gatewayId));
    return members.flatMap((m) => {
      const [appId, uid, connectionId] = m.split('|');
      return appId && uid && connectionId ? [{ appId, uid, gatewayId, connectionId }] : [];
    });
  }

  /** Gateways whose deadline passed. */
  expiredGateways(nowMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(GATEWAYS_KEY, '-inf', nowMs);
  }

  /** True for the one caller that takes the expired gateway (its sockets are then its to close). */
  async claimExpired(gatewayId: string, nowMs: number): Promise<boolean> {
    return (await this.redis.eval(CLAIM, 1, GATEWAYS_KEY, gatewayId, String(nowMs))) === 1;
  }

  /** Drops what is left of a gateway's socket list once its sockets are closed. */
  async forgetGateway(gatewayId: string): Promise<void> {
    await this.redis.del(gatewayKey(gatewayId));
  }

  onlineUids(appId: string): Promise<string[]> {
    return this.redis.smembers(onlineKey(appId));
  }

  /** For each uid: online or not, and the last change in Unix seconds (null if never seen). */
  async presenceOf(
    appId: string,
    uids: string[],
  ): Promise<Array<{ uid: string; online: boolean; lastActiveAt: number | null }>> {
    if (!uids.length) return [];
    const [online, last] = await Promise.all([
      this.redis.smismember(onlineKey(appId), ...uids),
      this.redis.hmget(lastActiveKey(appId), ...uids),
    ]);
    return uids.map((uid, i) => ({
      uid,
      online: online[i] === 1,
      lastActiveAt: last[i] === null ? null : Number(last[i]),
    }));
  }
}
