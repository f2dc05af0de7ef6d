import { Inject, Injectable } from '@nestjs/common';
import { deleteKeysMatching, ErasureCounts, Redis, removeMembersMatching } from '@parley/common';
import { PresenceConnection } from '@parley/contracts';
import { PRESENCE_ENV, PresenceEnv } from '../config/presence-env';
import { PresenceStore, PresenceOfUser } from './presence.store';

/** The Redis keys of one platform (a prefix of its own, so platforms may share a Redis). */
class PresenceKeys {
  constructor(private readonly prefix: string) {}
  /** The sockets of a user, on any gateway: field `<gatewayId>|<connectionId>`, value opened (s). */
  connections(appId: string, uid: string) {
    return `${this.prefix}:conns:${appId}:${uid}`;
  }
  /** The uids of an app with at least one socket. */
  online(appId: string) {
    return `${this.prefix}:online:${appId}`;
  }
  /** uid -> Unix seconds of the user's last change (online or offline); kept without expiry. */
  lastActive(appId: string) {
    return `${this.prefix}:last:${appId}`;
  }
  /** The sockets a gateway reported, as `<appId>|<uid>|<connectionId>`. */
  gateway(gatewayId: string) {
    return `${this.prefix}:gw:${gatewayId}`;
  }
  get everyGateway() {
    return `${this.prefix}:gw:*`;
  }
  /** gatewayId -> deadline (ms): past it without a heartbeat, the gateway's sockets are gone. */
  get gateways() {
    return `${this.prefix}:gateways`;
  }
}

const field = (c: PresenceConnection) => `${c.gatewayId}|${c.connectionId}`;
const member = (c: Omit<PresenceConnection, 'gatewayId'>) =>
  `${c.appId}|${c.uid}|${c.connectionId}`;

// Each script is one atomic step, so of two replicas racing on the same user exactly one sees
// the transition (and announces it).

/**
 * Adds a socket, and moves its gateway's deadline (a gateway that reports a socket is alive; one
 * unknown so far is enlisted with it); 1 when it is the user's first (the user came online).
 */
const OPEN = `
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[6])
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
export class RedisPresenceStore extends PresenceStore {
  private readonly keys: PresenceKeys;

  constructor(
    @Inject(Redis) private readonly redis: Redis,
    @Inject(PRESENCE_ENV) env: Pick<PresenceEnv, 'PRESENCE_KEY_PREFIX'>,
  ) {
    super();
    this.keys = new PresenceKeys(env.PRESENCE_KEY_PREFIX);
  }

  async open(c: PresenceConnection, nowSeconds: number, deadlineMs: number): Promise<boolean> {
    const result = await this.redis.eval(
      OPEN,
      5,
      this.keys.connections(c.appId, c.uid),
      this.keys.online(c.appId),
      this.keys.gateway(c.gatewayId),
      this.keys.lastActive(c.appId),
      this.keys.gateways,
      field(c),
      c.uid,
      member(c),
      String(nowSeconds),
      String(deadlineMs),
      c.gatewayId,
    );
    return result === 1;
  }

  async close(c: PresenceConnection, nowSeconds: number): Promise<boolean> {
    const result = await this.redis.eval(
      CLOSE,
      4,
      this.keys.connections(c.appId, c.uid),
      this.keys.online(c.appId),
      this.keys.gateway(c.gatewayId),
      this.keys.lastActive(c.appId),
      field(c),
      c.uid,
      member(c),
      String(nowSeconds),
    );
    return result === 1;
  }

  async beat(gatewayId: string, deadlineMs: number): Promise<boolean> {
    return (
      (await this.redis.eval(BEAT, 1, this.keys.gateways, gatewayId, String(deadlineMs))) === 1
    );
  }

  async enlist(gatewayId: string, deadlineMs: number): Promise<void> {
    await this.redis.zadd(this.keys.gateways, deadlineMs, gatewayId);
  }

  async connectionsOf(gatewayId: string): Promise<PresenceConnection[]> {
    const members = await this.redis.smembers(this.keys.gateway(gatewayId));
    return members.flatMap((m) => {
      const [appId, uid, connectionId] = m.split('|');
      return appId && uid && connectionId ? [{ appId, uid, gatewayId, connectionId }] : [];
    });
  }

  expiredGateways(nowMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.gateways, '-inf', nowMs);
  }

  async claimExpired(gatewayId: string, nowMs: number): Promise<boolean> {
    return (await this.redis.eval(CLAIM, 1, this.keys.gateways, gatewayId, String(nowMs))) === 1;
  }

  async delist(gatewayId: string): Promise<void> {
    await this.redis.zrem(this.keys.gateways, gatewayId);
  }

  async forgetGateway(gatewayId: string): Promise<void> {
    await this.redis.del(this.keys.gateway(gatewayId));
  }

  async onlineCount(appId: string, uids?: string[]): Promise<number> {
    if (!uids) return this.redis.scard(this.keys.online(appId));
    if (!uids.length) return 0;
    const online = await this.redis.smismember(this.keys.online(appId), ...uids);
    return online.filter((x) => x === 1).length;
  }

  async eraseApp(appId: string): Promise<ErasureCounts> {
    const sockets = await deleteKeysMatching(this.redis, this.keys.connections(appId, '*'));
    const sets = await this.redis.unlink(this.keys.online(appId), this.keys.lastActive(appId));
    let listed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.keys.everyGateway);
      cursor = next;
      for (const key of keys) listed += await removeMembersMatching(this.redis, key, `${appId}|*`);
    } while (cursor !== '0');
    return {
      'presence.sockets': sockets,
      'presence.sets': sets,
      'presence.gatewaySockets': listed,
    };
  }

  onlineUids(appId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.online(appId));
  }

  async presenceOf(appId: string, uids: string[]): Promise<PresenceOfUser[]> {
    if (!uids.length) return [];
    const [online, last] = await Promise.all([
      this.redis.smismember(this.keys.online(appId), ...uids),
      this.redis.hmget(this.keys.lastActive(appId), ...uids),
    ]);
    return uids.map((uid, i) => ({
      uid,
      online: online[i] === 1,
      lastActiveAt: last[i] === null ? null : Number(last[i]),
    }));
  }
}
