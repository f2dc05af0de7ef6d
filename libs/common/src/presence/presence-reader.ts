import { Injectable } from '@nestjs/common';
import { RPC, UserPresence } from '@parley/contracts';
import { MessageBus } from '../bus/message-bus';
import { DomainError } from '../errors/domain-error';
import { rootLogger } from '../logging/logger';

/**
 * Who is online, from the presence service (one RPC per read or list page): for the `status`
 * filters of the user and member lists and each user's `status` and `lastActiveAt`.
 */
@Injectable()
export class PresenceReader {
  private readonly log = rootLogger().child({ component: 'presence-reader' });
  private lastWarnAt = 0;

  constructor(private readonly bus: MessageBus) {}

  /**
   * The app's online uids, less `hidden` (users whose presence the viewer may not see: they show
   * as offline); without presence a status filter cannot be answered.
   */
  async onlineUids(appId: string, hidden: ReadonlySet<string> = NOBODY): Promise<string[]> {
    try {
      const { uids } = await this.bus.request(RPC.presence.onlineList, { appId });
      return hidden.size ? uids.filter((uid) => !hidden.has(uid)) : uids;
    } catch (err) {
      this.log.warn({ err, appId }, 'presence unavailable for a status filter');
      throw new DomainError('ERR_SERVICE_UNAVAILABLE', 'Presence is unavailable; try again.');
    }
  }

  /**
   * How many of `uids` are online (all the app's users when absent), asked in batches of 10,000;
   * without presence a count cannot be answered.
   */
  async onlineCount(appId: string, uids?: string[]): Promise<number> {
    try {
      if (!uids) return (await this.bus.request(RPC.presence.onlineCount, { appId })).count;
      let count = 0;
      for (let i = 0; i < uids.length; i += ONLINE_COUNT_BATCH) {
        const batch = uids.slice(i, i + ONLINE_COUNT_BATCH);
        count += (await this.bus.request(RPC.presence.onlineCount, { appId, uids: batch })).count;
      }
      return count;
    } catch (err) {
      this.log.warn({ err, appId }, 'presence unavailable for an online count');
      throw new DomainError('ERR_SERVICE_UNAVAILABLE', 'Presence is unavailable; try again.');
    }
  }

  /** Presence of these users; without an answer they read as offline (a read is not refused). */
  async presenceOf(appId: string, uids: string[]): Promise<Map<string, UserPresence>> {
    if (!uids.length) return new Map();
    try {
      const { users } = await this.bus.request(RPC.presence.userGetMany, { appId, uids });
      return new Map(users.map((u) => [u.uid, u]));
    } catch (err) {
      // Every read would log it during an outage: one line per 10 s.
      if (Date.now() - this.lastWarnAt > 10_000) {
        this.lastWarnAt = Date.now();
        this.log.warn({ err, appId }, 'presence unavailable; users read as offline');
      }
      return new Map();
    }
  }

  /**
   * The users with `status` from presence and `lastActiveAt` the later of presence's and theirs
   * (stored); unchanged when presence does not answer. Users in `hidden` (apart from the viewer by
   * a block) read as offline, without `lastActiveAt`.
   */
  async withPresence<U extends PresentUser>(
    appId: string,
    users: U[],
    hidden: ReadonlySet<string> = NOBODY,
  ): Promise<U[]> {
    const seen = await this.presenceOf(
      appId,
      users.filter((u) => !hidden.has(u.uid)).map((u) => u.uid),
    );
    return users.map((user) => {
      if (hidden.has(user.uid)) {
        const { lastActiveAt: _hidden, ...rest } = user;
        return { ...rest, status: 'offline' } as U;
      }
      const p = seen.get(user.uid);
      if (!p) return user;
      const lastActiveAt = Math.max(p.lastActiveAt ?? 0, user.lastActiveAt ?? 0) || undefined;
      return {
        ...user,
        status: p.online ? 'available' : 'offline',
        ...(lastActiveAt !== undefined && { lastActiveAt }),
      };
    });
  }
}

const NOBODY: ReadonlySet<string> = new Set();
/** The most uids one online-count request carries (the contract's limit). */
const ONLINE_COUNT_BATCH = 10_000;

/** What presence fills in on a user object. */
export interface PresentUser {
  uid: string;
  status: 'available' | 'offline';
  lastActiveAt?: number;
}
