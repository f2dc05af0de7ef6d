import { Inject, Injectable } from '@nestjs/common';
import { MessageBus, rootLogger, Subscription } from '@parley/common';
import {
  DeliveryFrameSchema,
  presenceOfAllSubject,
  presenceOfRoleSubject,
  presenceOfUserSubject,
} from '@parley/contracts';
import { BlockDirectory } from './block-directory';
import { Connection } from './connection';
import { FriendDirectory } from './friend-directory';
import { pushEphemeral } from './frame-push';
import { REALTIME_LIMITS_TOKEN, RealtimeLimits } from './realtime-limits';
import { RealtimeMetrics } from './realtime.metrics';

interface SubjectEntry {
  readonly sub: Subscription;
  readonly conns: Set<Connection>;
}

/** A failed load of a socket's friends or blocks is tried again after 1 s, 2 s, … up to 30 s. */
const LOAD_RETRY_BASE_MS = 1000;
const LOAD_RETRY_MAX_MS = 30_000;

/** A following socket: the subjects it holds and the users whose presence it never hears. */
interface Follower {
  readonly subjects: Set<string>;
  /** Users the socket's user blocked. */
  readonly blockedByMe: Set<string>;
  /** Users who blocked the socket's user. */
  readonly hasBlockedMe: Set<string>;
}

/**
 * The presence frames this gateway's sockets asked for (`presenceSubscription` in their `auth`
 * frame), by interest: one NATS subscription per subject whatever the sockets behind it —
 * `eph.presence.<appId>.*.*` for all users, `<appId>.<role>.*` per role, `<appId>.*.<uid>` per
 * friend (kept live as friendships form and end). A socket never hears its own user, nor a user
 * its user blocked or was blocked by (kept live as blocks come and go).
 */
@Injectable()
export class PresenceInterest {
  private readonly log = rootLogger().child({ component: 'realtime' });
  private readonly subjects = new Map<string, SubjectEntry>();
  /** Each following socket, the subjects it holds and whom it does not hear. */
  private readonly following = new Map<Connection, Follower>();

  constructor(
    private readonly bus: MessageBus,
    private readonly friends: FriendDirectory,
    private readonly blocks: BlockDirectory,
    @Inject(REALTIME_LIMITS_TOKEN) private readonly limits: RealtimeLimits,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /**
   * Starts the socket's presence frames once its friends (for `FRIENDS`) and its blocks are known.
   * Until they are it hears nothing (a frame about a blocked user must never leak), and a failed
   * load is tried again in the background.
   */
  async follow(conn: Connection): Promise<void> {
    if (conn.presenceSubscription.kind === 'none') return;
    const follower: Follower = {
      subjects: new Set(),
      blockedByMe: new Set(),
      hasBlockedMe: new Set(),
    };
    this.following.set(conn, follower);
    const before = this.subjects.size;
    await this.load(conn, follower, 0);
    // New SUBs are on the server before the socket hears `auth` OK: no change after it is missed.
    if (this.subjects.size > before) await this.bus.flush();
  }

  /** Loads what `follow` needs and subscribes; on failure, again after a growing delay. */
  private async load(conn: Connection, follower: Follower, attempt: number): Promise<void> {
    if (this.following.get(conn) !== follower) return; // closed before a retry
    const want = conn.presenceSubscription;
    let friendUids: string[];
    let blocks: { blockedByMe: string[]; hasBlockedMe: string[] };
    try {
      [friendUids, blocks] = await Promise.all([
        want.kind === 'friends' ? this.friends.friendsOf(conn.appId, conn.uid) : [],
        this.blocks.blocksOf(conn.appId, conn.uid),
      ]);
    } catch (err) {
      if (this.following.get(conn) !== follower) return;
      const delayMs = Math.min(LOAD_RETRY_MAX_MS, LOAD_RETRY_BASE_MS * 2 ** attempt);
      this.log.warn(
        { err, appId: conn.appId, uid: conn.uid, retryInMs: delayMs },
        'friends or blocks unknown: no presence until they load',
      );
      setTimeout(() => void this.load(conn, follower, attempt + 1), delayMs).unref();
      return;
    }
    // Closed while the lists were loading: unfollow has run already.
    if (this.following.get(conn) !== follower) return;
    // Blocks made while these loaded were applied already; the lists add the rest.
    for (const uid of blocks.blockedByMe) follower.blockedByMe.add(uid);
    for (const uid of blocks.hasBlockedMe) follower.hasBlockedMe.add(uid);
    const subjects =
      want.kind === 'all'
        ? [presenceOfAllSubject(conn.appId)]
        : want.kind === 'roles'
          ? want.roles.map((r) => presenceOfRoleSubject(conn.appId, r))
          : friendUids.map((uid) => presenceOfUserSubject(conn.appId, uid));
    for (const subject of subjects) this.add(conn, subject);
  }

  unfollow(conn: Connection): void {
    const follower = this.following.get(conn);
    if (!follower) return;
    this.following.delete(conn);
    for (const subject of follower.subjects) this.remove(conn, subject);
  }

  /** `blocker` blocked (or unblocked) `blocked`: neither hears the other's presence while it holds. */
  blockChanged(appId: string, blocker: string, blocked: string, blocking: boolean): void {
    for (const [conn, follower] of this.following) {
      if (conn.appId !== appId) continue;
      const [set, other] =
        conn.uid === blocker
          ? [follower.blockedByMe, blocked]
          : conn.uid === blocked
            ? [follower.hasBlockedMe, blocker]
            : [];
      if (!set || other === undefined) continue;
      if (blocking) set.add(other);
      else set.delete(other);
    }
  }

  /** `a` and `b` became friends (or stopped being): their `FRIENDS` sockets follow each other. */
  friendshipChanged(appId: string, a: string, b: string, friends: boolean): void {
    for (const conn of this.following.keys()) {
      if (conn.appId !== appId || conn.presenceSubscription.kind !== 'friends') continue;
      const other = conn.uid === a ? b : conn.uid === b ? a : undefined;
      if (other === undefined) continue;
      const subject = presenceOfUserSubject(appId, other);
      if (friends) this.add(conn, subject);
      else this.remove(conn, subject);
    }
  }

  /** NATS subscriptions held (one per subject). */
  get subjectCount(): number {
    return this.subjects.size;
  }

  private add(conn: Connection, subject: string): void {
    const held = this.following.get(conn)?.subjects;
    if (!held || held.has(subject)) return;
    held.add(subject);
    let entry = this.subjects.get(subject);
    if (!entry) {
      const conns = new Set<Connection>();
      const sub = this.bus.subscribe(subject, (msg) => this.deliver(conns, msg.data));
      entry = { sub, conns };
      this.subjects.set(subject, entry);
    }
    entry.conns.add(conn);
  }

  private remove(conn: Connection, subject: string): void {
    this.following.get(conn)?.subjects.delete(subject);
    const entry = this.subjects.get(subject);
    if (!entry) return;
    entry.conns.delete(conn);
    if (!entry.conns.size) {
      entry.sub.unsubscribe();
      this.subjects.delete(subject);
    }
  }

  /** Whether `conn`'s user and `uid` are apart by a block, either way. */
  private hides(conn: Connection, uid: string): boolean {
    const follower = this.following.get(conn);
    return !!follower && (follower.blockedByMe.has(uid) || follower.hasBlockedMe.has(uid));
  }

  private deliver(conns: Set<Connection>, data: Uint8Array): void {
    const frame = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let sender: string | undefined;
    try {
      const parsed = DeliveryFrameSchema.safeParse(JSON.parse(frame.toString('utf8')));
      if (!parsed.success) return;
      sender = parsed.data.sender;
    } catch {
      return;
    }
    for (const conn of [...conns]) {
      if (conn.uid === sender) continue;
      if (sender !== undefined && this.hides(conn, sender)) continue;
      pushEphemeral(conn, 'presence', frame, this.limits, this.metrics);
    }
  }
}
