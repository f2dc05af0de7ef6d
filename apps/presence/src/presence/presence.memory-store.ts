import { Injectable } from '@nestjs/common';
import { ErasureCounts } from '@parley/common';
import { PresenceConnection } from '@parley/contracts';
import { PresenceOfUser, PresenceStore } from './presence.store';

const userKey = (appId: string, uid: string) => `${appId}|${uid}`;

/**
 * Presence state in the process (the one-process mode, where presence has no replicas): the same
 * steps as `RedisPresenceStore`, each atomic because it runs without awaiting.
 */
@Injectable()
export class MemoryPresenceStore extends PresenceStore {
  /** `<appId>|<uid>` -> `<gatewayId>|<connectionId>` -> opened (Unix s). */
  private readonly connections = new Map<string, Map<string, number>>();
  private readonly online = new Map<string, Set<string>>();
  /** appId -> uid -> last change (Unix s). */
  private readonly lastActive = new Map<string, Map<string, number>>();
  /** gatewayId -> its sockets, as connections. */
  private readonly gatewaySockets = new Map<string, Map<string, PresenceConnection>>();
  /** gatewayId -> deadline (ms). */
  private readonly deadlines = new Map<string, number>();

  async open(c: PresenceConnection, nowSeconds: number, deadlineMs: number): Promise<boolean> {
    this.deadlines.set(c.gatewayId, deadlineMs);
    const key = userKey(c.appId, c.uid);
    const sockets = this.connections.get(key) ?? new Map<string, number>();
    this.connections.set(key, sockets);
    const first = sockets.size === 0;
    sockets.set(`${c.gatewayId}|${c.connectionId}`, nowSeconds);
    this.socketsOf(c.gatewayId).set(`${key}|${c.connectionId}`, { ...c });
    if (first) this.cameOrWent(c, true, nowSeconds);
    return first;
  }

  async close(c: PresenceConnection, nowSeconds: number): Promise<boolean> {
    const key = userKey(c.appId, c.uid);
    const sockets = this.connections.get(key);
    const removed = sockets?.delete(`${c.gatewayId}|${c.connectionId}`) ?? false;
    this.gatewaySockets.get(c.gatewayId)?.delete(`${key}|${c.connectionId}`);
    if (!removed || sockets?.size) return false;
    this.connections.delete(key);
    this.cameOrWent(c, false, nowSeconds);
    return true;
  }

  async beat(gatewayId: string, deadlineMs: number): Promise<boolean> {
    if (!this.deadlines.has(gatewayId)) return false;
    this.deadlines.set(gatewayId, deadlineMs);
    return true;
  }

  async enlist(gatewayId: string, deadlineMs: number): Promise<void> {
    this.deadlines.set(gatewayId, deadlineMs);
  }

  async connectionsOf(gatewayId: string): Promise<PresenceConnection[]> {
    return [...(this.gatewaySockets.get(gatewayId)?.values() ?? [])].map((c) => ({ ...c }));
  }

  async expiredGateways(nowMs: number): Promise<string[]> {
    return [...this.deadlines]
      .filter(([, deadline]) => deadline <= nowMs)
      .sort(([, a], [, b]) => a - b)
      .map(([id]) => id);
  }

  async claimExpired(gatewayId: string, nowMs: number): Promise<boolean> {
    const deadline = this.deadlines.get(gatewayId);
    if (deadline === undefined || deadline > nowMs) return false;
    this.deadlines.delete(gatewayId);
    return true;
  }

  async delist(gatewayId: string): Promise<void> {
    this.deadlines.delete(gatewayId);
  }

  async forgetGateway(gatewayId: string): Promise<void> {
    this.gatewaySockets.delete(gatewayId);
  }

  async onlineUids(appId: string): Promise<string[]> {
    return [...(this.online.get(appId) ?? [])];
  }

  async onlineCount(appId: string, uids?: string[]): Promise<number> {
    const online = this.online.get(appId);
    if (!uids) return online?.size ?? 0;
    return uids.filter((uid) => online?.has(uid)).length;
  }

  async eraseApp(appId: string): Promise<ErasureCounts> {
    let sockets = 0;
    for (const key of [...this.connections.keys()])
      if (key.startsWith(`${appId}|`)) sockets += Number(this.connections.delete(key));
    const sets = Number(this.online.delete(appId)) + Number(this.lastActive.delete(appId));
    let listed = 0;
    for (const gateway of this.gatewaySockets.values())
      for (const [key, c] of [...gateway])
        if (c.appId === appId) listed += Number(gateway.delete(key));
    return {
      'presence.sockets': sockets,
      'presence.sets': sets,
      'presence.gatewaySockets': listed,
    };
  }

  async presenceOf(appId: string, uids: string[]): Promise<PresenceOfUser[]> {
    const online = this.online.get(appId);
    const last = this.lastActive.get(appId);
    return uids.map((uid) => ({
      uid,
      online: online?.has(uid) ?? false,
      lastActiveAt: last?.get(uid) ?? null,
    }));
  }

  private socketsOf(gatewayId: string): Map<string, PresenceConnection> {
    const sockets = this.gatewaySockets.get(gatewayId) ?? new Map<string, PresenceConnection>();
    this.gatewaySockets.set(gatewayId, sockets);
    return sockets;
  }

  private cameOrWent(c: PresenceConnection, online: boolean, nowSeconds: number) {
    const uids = this.online.get(c.appId) ?? new Set<string>();
    this.online.set(c.appId, uids);
    if (online) uids.add(c.uid);
    else uids.delete(c.uid);
    const last = this.lastActive.get(c.appId) ?? new Map<string, number>();
    this.lastActive.set(c.appId, last);
    last.set(c.uid, nowSeconds);
  }
}
