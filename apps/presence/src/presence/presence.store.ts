import { ErasureCounts } from '@parley/common';
import { PresenceConnection } from '@parley/contracts';

export interface PresenceOfUser {
  uid: string;
  online: boolean;
  /** Unix seconds of the user's last change (online or offline); null if never seen. */
  lastActiveAt: number | null;
}

/**
 * Presence state (ARCHITECTURE.md §7): each user's sockets, each app's online set, each gateway's
 * sockets and heartbeat deadline, and `lastActiveAt`. In Redis when services run apart
 * (`RedisPresenceStore`), in memory in the one-process mode (`MemoryPresenceStore`). Each step is
 * atomic, so of two replicas racing on the same user exactly one sees the transition.
 */
export abstract class PresenceStore {
  /**
   * Records a socket and gives its gateway `deadlineMs` (enlisting it when unknown); true when the
   * user came online with it.
   */
  abstract open(c: PresenceConnection, nowSeconds: number, deadlineMs: number): Promise<boolean>;

  /** Forgets a socket; true when the user went offline with it. */
  abstract close(c: PresenceConnection, nowSeconds: number): Promise<boolean>;

  /** Extends a known gateway's deadline; false when it is unknown (it must sync). */
  abstract beat(gatewayId: string, deadlineMs: number): Promise<boolean>;

  /** Makes a gateway known with this deadline (its first report, or a sync). */
  abstract enlist(gatewayId: string, deadlineMs: number): Promise<void>;

  /** The sockets presence holds for a gateway. */
  abstract connectionsOf(gatewayId: string): Promise<PresenceConnection[]>;

  /** Gateways whose deadline passed. */
  abstract expiredGateways(nowMs: number): Promise<string[]>;

  /** True for the one caller that takes the expired gateway (its sockets are then its to close). */
  abstract claimExpired(gatewayId: string, nowMs: number): Promise<boolean>;

  /** Takes a gateway off the list whatever its deadline (it is shutting down). */
  abstract delist(gatewayId: string): Promise<void>;

  /** Drops what is left of a gateway's socket list once its sockets are closed. */
  abstract forgetGateway(gatewayId: string): Promise<void>;

  abstract onlineUids(appId: string): Promise<string[]>;

  /** How many of `uids` are online; without `uids`, how many users of the app are. */
  abstract onlineCount(appId: string, uids?: string[]): Promise<number>;

  /**
   * Forgets an app: its users' sockets, online set and last activity, and its sockets in every
   * gateway's list. A socket closing afterwards finds nothing and writes nothing.
   */
  abstract eraseApp(appId: string): Promise<ErasureCounts>;

  /** For each uid: online or not, and the last change. */
  abstract presenceOf(appId: string, uids: string[]): Promise<PresenceOfUser[]>;
}
