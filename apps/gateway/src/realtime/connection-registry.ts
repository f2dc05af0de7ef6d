import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError, MessageBus, rootLogger, Subscription } from '@parley/common';
import {
  deliverToGroupSubject,
  deliverToUserSubject,
  DeliveryFrameSchema,
  REALTIME_CLOSE,
} from '@parley/contracts';
import { Connection } from './connection';
import { isEphemeralFrame, pushEphemeral } from './frame-push';
import { GroupDirectory } from './group-directory';
import { REALTIME_LIMITS_TOKEN, RealtimeLimits } from './realtime-limits';
import { RealtimeMetrics } from './realtime.metrics';

/** A user with sockets on this gateway: one user subscription, one per group, however many sockets. */
interface UserEntry {
  readonly key: string;
  readonly appId: string;
  readonly uid: string;
  /** Sockets that receive frames. */
  readonly connections: Set<Connection>;
  /** Sockets waiting for the subscriptions to be in place before their `auth` is answered. */
  readonly joining: Set<Connection>;
  readonly guids: Set<string>;
  /** Membership changes that came while the user's groups were loading; applied after the load. */
  pending: Array<{ guid: string; member: boolean }> | undefined;
  sub: Subscription;
  ready: Promise<void>;
  closed: boolean;
  /** Holds (see `hold`) keeping it open without a socket. */
  holds: number;
}

/**
 * A user's subscriptions opened ahead of a socket's registration (see ConnectionRegistry.hold):
 * `release` once the socket registered or was refused.
 */
export interface UserHold {
  readonly appId: string;
  readonly uid: string;
  release(): void;
}

/** The entry a hold keeps open (private to the registry). */
const heldEntries = new WeakMap<UserHold, UserEntry>();

interface GroupEntry {
  readonly sub: Subscription;
  readonly users: Set<UserEntry>;
}

const userKey = (appId: string, id: string) => `${appId}|${id}`;

/**
 * The sockets of this gateway and their delivery subscriptions (ARCHITECTURE.md §4, §7): a user's
 * first socket subscribes to `deliver.<appId>.u.<uid>` and to each of the user's groups, the last
 * one to close lets go of them, and membership events move the group subscriptions. Every frame
 * goes to the user's sockets except the one whose session caused it (its `deviceId`).
 */
@Injectable()
export class ConnectionRegistry {
  private readonly log = rootLogger().child({ component: 'realtime' });
  private readonly users = new Map<string, UserEntry>();
  private readonly groups = new Map<string, GroupEntry>();
  /** `appId|tokenHash` (or `appId|*` for a deleted app) -> until when it is remembered (ms). */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly bus: MessageBus,
    private readonly directory: GroupDirectory,
    private readonly clock: Clock,
    @Inject(REALTIME_LIMITS_TOKEN) private readonly limits: RealtimeLimits,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /**
   * Starts delivering to `conn` once its user's subscriptions are live on the NATS server, so
   * nothing published after the `auth` answer is missed. Throws AUTH_ERR_AUTH_TOKEN_NOT_FOUND when
   * its token was revoked meanwhile, ERR_SERVICE_UNAVAILABLE when the user's groups are unknown.
   */
  async register(conn: Connection, hold?: UserHold): Promise<void> {
    this.refuseIfRevoked(conn);
    const key = userKey(conn.appId, conn.uid);
    // The held entry, if it is this user's: a load that failed fails this socket as it would have
    // had it started now (a closed entry is reopened only when it closed for want of sockets).
    const held = hold && heldEntries.get(hold);
    let entry = held?.key === key ? held : this.users.get(key);
    if (!entry || (entry.closed && entry !== held)) {
      entry = this.openUser(conn.appId, conn.uid);
      this.users.set(key, entry);
    }
    entry.joining.add(conn);
    try {
      await entry.ready;
    } catch (err) {
      entry.joining.delete(conn);
      this.unregister(conn);
      throw err;
    }
    if (!entry.joining.delete(conn)) {
      // Unregistered while waiting (the socket closed, or its token was revoked).
      this.refuseIfRevoked(conn);
      return;
    }
    entry.connections.add(conn);
    this.metrics.sockets.inc();
    this.refuseIfRevoked(conn);
  }

  /**
   * Opens `uid`'s subscriptions (the user's subject, then their groups) before a socket of theirs
   * registers: a login starts this from the user its JWT names while the JWT is being checked,
   * so the two waits overlap. Nothing reaches any socket until one registers (after the check);
   * membership changes meanwhile are applied as for a registration. The subscriptions go when
   * the hold is released and the user has no socket here.
   */
  hold(appId: string, uid: string): UserHold {
    const key = userKey(appId, uid);
    let entry = this.users.get(key);
    if (!entry || entry.closed) {
      entry = this.openUser(appId, uid);
      this.users.set(key, entry);
    }
    // A failed load is the registration's to report; nobody may be waiting for it yet.
    entry.ready.catch(() => undefined);
    entry.holds += 1;
    const held = entry;
    let released = false;
    const hold: UserHold = {
      appId,
      uid,
      release: () => {
        if (released) return;
        released = true;
        held.holds -= 1;
        this.closeIfUnused(held);
      },
    };
    heldEntries.set(hold, entry);
    return hold;
  }

  /** Stops delivering to `conn`; the user's subscriptions go with their last socket. */
  unregister(conn: Connection): void {
    const entry = this.users.get(userKey(conn.appId, conn.uid));
    if (!entry) return;
    if (entry.connections.delete(conn)) this.metrics.sockets.dec();
    entry.joining.delete(conn);
    this.closeIfUnused(entry);
  }

  private closeIfUnused(entry: UserEntry): void {
    if (!entry.connections.size && !entry.joining.size && !entry.holds) this.closeUser(entry);
  }

  /** Identity revoked these tokens of the user: their sockets close. */
  tokensRevoked(appId: string, uid: string, tokenHashes: string[]): void {
    for (const hash of tokenHashes) this.remember(userKey(appId, hash));
    const entry = this.users.get(userKey(appId, uid));
    if (!entry) return;
    for (const conn of [...entry.connections, ...entry.joining]) {
      if (tokenHashes.includes(conn.tokenHash))
        this.evict(conn, REALTIME_CLOSE.unauthenticated, 'auth token revoked');
    }
  }

  /** The app is gone: every socket of it closes. */
  appDeleted(appId: string): void {
    this.remember(userKey(appId, '*'));
    for (const entry of [...this.users.values()]) {
      if (entry.appId !== appId) continue;
      for (const conn of [...entry.connections, ...entry.joining])
        this.evict(conn, REALTIME_CLOSE.unauthenticated, 'app deleted');
    }
  }

  /** `uid` joined or was added to (`member`), or left, was kicked or banned from, the group. */
  membershipChanged(appId: string, uid: string, guid: string, member: boolean): void {
    const entry = this.users.get(userKey(appId, uid));
    if (!entry || entry.closed) return;
    if (entry.pending) {
      entry.pending.push({ guid, member });
      return;
    }
    if (member) this.joinGroup(entry, guid);
    else this.leaveGroup(entry, guid);
  }

  groupDeleted(appId: string, guid: string): void {
    const group = this.groups.get(userKey(appId, guid));
    for (const entry of [...(group?.users ?? [])]) this.leaveGroup(entry, guid);
    for (const entry of this.users.values()) {
      if (entry.appId === appId && entry.pending) entry.pending.push({ guid, member: false });
    }
  }

  /**
   * Whether `uid` is a member of the group as this gateway knows it (the groups it follows for the
   * user's sockets, kept live by membership events). Only a user with a socket here is known.
   */
  isMember(appId: string, uid: string, guid: string): boolean {
    const entry = this.users.get(userKey(appId, uid));
    return !!entry && !entry.closed && !entry.pending && entry.guids.has(guid);
  }

  /** Closes every socket (shutdown: clients reconnect to another gateway). */
  closeAll(code: number, reason: string): void {
    for (const entry of [...this.users.values()]) {
      for (const conn of [...entry.connections, ...entry.joining]) this.evict(conn, code, reason);
    }
  }

  /** Sockets receiving frames on this gateway. */
  get connectionCount(): number {
    let n = 0;
    for (const entry of this.users.values()) n += entry.connections.size;
    return n;
  }

  private openUser(appId: string, uid: string): UserEntry {
    const entry: UserEntry = {
      key: userKey(appId, uid),
      appId,
      uid,
      connections: new Set(),
      joining: new Set(),
      guids: new Set(),
      pending: [],
      sub: this.bus.subscribe(deliverToUserSubject(appId, uid), (msg) =>
        this.fanOut([entry], msg.subject, msg.data),
      ),
      ready: Promise.resolve(),
      closed: false,
      holds: 0,
    };
    entry.ready = this.loadGroups(entry);
    return entry;
  }

  private async loadGroups(entry: UserEntry): Promise<void> {
    let guids: string[];
    try {
      guids = await this.directory.groupsOf(entry.appId, entry.uid);
    } catch (err) {
      this.log.warn({ err, appId: entry.appId, uid: entry.uid }, 'groups of a user unavailable');
      this.closeUser(entry);
      throw err instanceof DomainError && err.code === 'ERR_SERVICE_UNAVAILABLE'
        ? err
        : new DomainError('ERR_SERVICE_UNAVAILABLE', 'The groups of the user are unavailable.');
    }
    if (entry.closed) return;
    const member = new Set(guids);
    for (const change of entry.pending ?? []) {
      if (change.member) member.add(change.guid);
      else member.delete(change.guid);
    }
    entry.pending = undefined;
    for (const guid of member) this.joinGroup(entry, guid);
    // A round trip to the server: our SUBs are in place before the socket hears `auth` OK.
    await this.bus.flush();
  }

  private closeUser(entry: UserEntry): void {
    if (entry.closed) return;
    entry.closed = true;
    entry.sub.unsubscribe();
    for (const guid of [...entry.guids]) this.leaveGroup(entry, guid);
    if (this.users.get(entry.key) === entry) this.users.delete(entry.key);
  }

  private joinGroup(entry: UserEntry, guid: string): void {
    if (entry.guids.has(guid)) return;
    entry.guids.add(guid);
    const key = userKey(entry.appId, guid);
    let group = this.groups.get(key);
    if (!group) {
      const users = new Set<UserEntry>();
      const sub = this.bus.subscribe(deliverToGroupSubject(entry.appId, guid), (msg) =>
        this.fanOut(users, msg.subject, msg.data),
      );
      group = { sub, users };
      this.groups.set(key, group);
    }
    group.users.add(entry);
  }

  private leaveGroup(entry: UserEntry, guid: string): void {
    if (!entry.guids.delete(guid)) return;
    const key = userKey(entry.appId, guid);
    const group = this.groups.get(key);
    if (!group) return;
    group.users.delete(entry);
    if (!group.users.size) {
      group.sub.unsubscribe();
      this.groups.delete(key);
    }
  }

  /** One published frame to every socket of these users but the one that caused it. */
  private fanOut(users: Iterable<UserEntry>, subject: string, data: Uint8Array): void {
    const frame = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let parsed;
    try {
      parsed = DeliveryFrameSchema.safeParse(JSON.parse(frame.toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.log.warn({ subject }, 'dropped a published frame that is not a frame object');
      return;
    }
    const { deviceId, type, sender } = parsed.data;
    const ephemeral = isEphemeralFrame(type);
    for (const entry of [...users]) {
      // Typing and transient frames are for the others (a group's frame reaches its sender too).
      if (ephemeral && entry.uid === sender) continue;
      for (const conn of [...entry.connections]) {
        if (deviceId !== undefined && conn.deviceId === deviceId) continue;
        if (ephemeral) {
          pushEphemeral(conn, type, frame, this.limits, this.metrics);
          continue;
        }
        // Messages are never dropped: a socket too far behind is closed and resyncs by seq.
        if (conn.bufferedAmount() > this.limits.maxBufferedBytes) {
          this.metrics.slowSocketsClosed.inc();
          this.evict(conn, REALTIME_CLOSE.slowConsumer, 'too slow: reconnect and sync');
          continue;
        }
        conn.send(frame);
      }
    }
  }

  private evict(conn: Connection, code: number, reason: string): void {
    this.unregister(conn);
    conn.close(code, reason);
  }

  private remember(key: string): void {
    const now = this.clock.now().getTime();
    // Insertion order is expiry order (one TTL), so expired entries are at the front.
    for (const [k, until] of this.revoked) {
      if (until > now) break;
      this.revoked.delete(k);
    }
    this.revoked.delete(key);
    this.revoked.set(key, now + this.limits.revocationMemoryMs);
  }

  private refuseIfRevoked(conn: Connection): void {
    const now = this.clock.now().getTime();
    for (const key of [userKey(conn.appId, conn.tokenHash), userKey(conn.appId, '*')]) {
      const until = this.revoked.get(key);
      if (until !== undefined && until > now) {
        this.unregister(conn);
        throw new DomainError('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
      }
    }
  }
}
