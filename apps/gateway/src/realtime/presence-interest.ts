import { Inject, Injectable } from '@nestjs/common';
import { MessageBus, rootLogger, Subscription } from '@parley/common';
import {
  DeliveryFrameSchema,
  presenceOfAllSubject,
  presenceOfRoleSubject,
  presenceOfUserSubject,
} from '@parley/contracts';
import { Connection } from './connection';
import { FriendDirectory } from './friend-directory';
import { pushEphemeral } from './frame-push';
import { REALTIME_LIMITS_TOKEN, RealtimeLimits } from './realtime-limits';
import { RealtimeMetrics } from './realtime.metrics';

interface SubjectEntry {
  readonly sub: Subscription;
  readonly conns: Set<Connection>;
}

/**
 * The presence frames this gateway's sockets asked for (`presenceSubscription` in their `auth`
 * frame), by interest: one NATS subscription per subject whatever the sockets behind it —
 * `eph.presence.<appId>.*.*` for all users, `<appId>.<role>.*` per role, `<appId>.*.<uid>` per
 * friend (kept live as friendships form and end). A socket never hears its own user.
 */
@Injectable()
export class PresenceInterest {
  private readonly log = rootLogger().child({ component: 'realtime' });
  private readonly subjects = new Map<string, SubjectEntry>();
  /** Each following socket and the subjects it holds. */
  private readonly following = new Map<Connection, Set<string>>();

  constructor(
    private readonly bus: MessageBus,
    private readonly friends: FriendDirectory,
    @Inject(REALTIME_LIMITS_TOKEN) private readonly limits: RealtimeLimits,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /** Starts the socket's presence frames. Without its friend list, it gets none (logged). */
  async follow(conn: Connection): Promise<void> {
    const want = conn.presenceSubscription;
    if (want.kind === 'none') return;
    this.following.set(conn, new Set());
    let subjects: string[];
    if (want.kind === 'all') subjects = [presenceOfAllSubject(conn.appId)];
    else if (want.kind === 'roles')
      subjects = want.roles.map((r) => presenceOfRoleSubject(conn.appId, r));
    else {
      try {
        const uids = await this.friends.friendsOf(conn.appId, conn.uid);
        subjects = uids.map((uid) => presenceOfUserSubject(conn.appId, uid));
      } catch (err) {
        this.log.warn({ err, appId: conn.appId, uid: conn.uid }, 'friends unknown: no presence');
        subjects = [];
      }
    }
    // Closed while the friends were loading: unfollow has run already.
    if (!this.following.has(conn)) return;
    const before = this.subjects.size;
    for (const subject of subjects) this.add(conn, subject);
    // New SUBs are on the server before the socket hears `auth` OK: no change after it is missed.
    if (this.subjects.size > before) await this.bus.flush();
  }

  unfollow(conn: Connection): void {
    const held = this.following.get(conn);
    if (!held) return;
    this.following.delete(conn);
    for (const subject of held) this.remove(conn, subject);
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
    const held = this.following.get(conn);
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
    this.following.get(conn)?.delete(subject);
    const entry = this.subjects.get(subject);
    if (!entry) return;
    entry.conns.delete(conn);
    if (!entry.conns.size) {
      entry.sub.unsubscribe();
      this.subjects.delete(subject);
    }
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
      pushEphemeral(conn, 'presence', frame, this.limits, this.metrics);
    }
  }
}
