import { Inject, Injectable } from '@nestjs/common';
import { Clock, rootLogger } from '@parley/common';
import { PresenceConnection, UserPresence } from '@parley/contracts';
import { PRESENCE_ENV, PresenceEnv } from '../config/presence-env';
import { PresenceAnnouncer } from './presence-announcer';
import { PresenceMetrics } from './presence.metrics';
import { PresenceStore } from './presence.store';

type SyncedConnection = Omit<PresenceConnection, 'gatewayId'>;
const connectionKey = (c: SyncedConnection) => `${c.appId}|${c.uid}|${c.connectionId}`;

/**
 * Online and offline from the sockets gateways report (ARCHITECTURE.md §7). A user is online
 * while any of their sockets, on any gateway, is open; a gateway that stops beating for
 * `PRESENCE_TTL_SECONDS` is taken as dead and its sockets as closed.
 */
@Injectable()
export class PresenceService {
  private readonly log = rootLogger().child({ component: 'presence' });

  constructor(
    private readonly store: PresenceStore,
    private readonly announcer: PresenceAnnouncer,
    private readonly clock: Clock,
    private readonly metrics: PresenceMetrics,
    @Inject(PRESENCE_ENV) private readonly env: Pick<PresenceEnv, 'PRESENCE_TTL_SECONDS'>,
  ) {}

  get ttlSeconds(): number {
    return this.env.PRESENCE_TTL_SECONDS;
  }

  async opened(c: PresenceConnection): Promise<{ online: boolean }> {
    // A gateway that reports a socket is alive; one unknown so far is enlisted with it.
    const at = this.clock.nowSeconds();
    const online = await this.store.open(c, at, this.deadline());
    if (online) await this.announcer.announce(c.appId, c.uid, 'online', at);
    return { online };
  }

  async closed(c: PresenceConnection): Promise<{ offline: boolean }> {
    const at = this.clock.nowSeconds();
    const offline = await this.store.close(c, at);
    if (offline) await this.announcer.announce(c.appId, c.uid, 'offline', at);
    return { offline };
  }

  async heartbeat(gatewayId: string): Promise<{ known: boolean; ttlSeconds: number }> {
    const known = await this.store.beat(gatewayId, this.deadline());
    return { known, ttlSeconds: this.ttlSeconds };
  }

  /**
   * The gateway names every socket it holds (after presence forgot it, or lost some of its
   * reports): what presence holds and the gateway did not name is closed, the rest opened.
   */
  async sync(
    gatewayId: string,
    connections: SyncedConnection[],
  ): Promise<{ known: boolean; ttlSeconds: number }> {
    await this.store.enlist(gatewayId, this.deadline());
    const held = await this.store.connectionsOf(gatewayId);
    const named = new Set(connections.map(connectionKey));
    const heldKeys = new Set(held.map(connectionKey));
    for (const c of held) if (!named.has(connectionKey(c))) await this.closed(c);
    for (const c of connections) {
      if (!heldKeys.has(connectionKey(c))) await this.opened({ ...c, gatewayId });
    }
    return { known: true, ttlSeconds: this.ttlSeconds };
  }

  /** Closes the sockets of every gateway whose heartbeat stopped (any replica may run it). */
  async sweep(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const gatewayId of await this.store.expiredGateways(now)) {
      if (!(await this.store.claimExpired(gatewayId, now))) continue;
      this.metrics.gatewaysExpired.inc();
      const closed = await this.closeGateway(gatewayId);
      this.log.warn(
        { gatewayId, sockets: closed },
        'gateway stopped beating; its sockets are closed',
      );
    }
  }

  /** A gateway shutting down: its sockets close now. */
  async left(gatewayId: string): Promise<{ closed: number }> {
    await this.store.delist(gatewayId);
    return { closed: await this.closeGateway(gatewayId) };
  }

  private async closeGateway(gatewayId: string): Promise<number> {
    const connections = await this.store.connectionsOf(gatewayId);
    for (const c of connections) await this.closed(c);
    await this.store.forgetGateway(gatewayId);
    return connections.length;
  }

  /** How many of `uids` (all the app's users when absent) are online. */
  onlineCount(appId: string, uids?: string[]): Promise<number> {
    return this.store.onlineCount(appId, uids && [...new Set(uids)]);
  }

  onlineUids(appId: string): Promise<string[]> {
    return this.store.onlineUids(appId);
  }

  async presenceOf(appId: string, uids: string[]): Promise<UserPresence[]> {
    const rows = await this.store.presenceOf(appId, [...new Set(uids)]);
    return rows.map((r) => ({
      uid: r.uid,
      online: r.online,
      ...(r.lastActiveAt !== null && { lastActiveAt: r.lastActiveAt }),
    }));
  }

  private deadline(): number {
    return this.clock.now().getTime() + this.ttlSeconds * 1000;
  }
}
