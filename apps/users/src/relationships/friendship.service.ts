import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import {
  EVENTS,
  FriendsAdded,
  MAX_FRIENDS_PER_USER,
  Page,
  PageQuery,
  pagination,
  User,
} from '@parley/contracts';
import { toUser } from '../users/user.mapper';
import { FriendshipRepository } from './friendship.repository';
import { itemFailed, itemSucceeded, resultsByUid } from './relationship.mapper';
import { RelationshipPartyRepository } from './relationship-party.repository';

type Success = { success: true; message: string };

const uidNotFound = (uid: string) =>
  new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);

/** Friends (reference §4.5): accepted at once, symmetric, at most MAX_FRIENDS_PER_USER per user. */
@Injectable()
export class FriendshipService {
  constructor(
    private readonly friendships: FriendshipRepository,
    private readonly parties: RelationshipPartyRepository,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /**
   * Befriends `uid` with each of `accepted`, with a result per uid. The users are locked first (in
   * uid order), so friend counts cannot move under the cap check: concurrent adds touching the same
   * user run one after the other.
   */
  async add(appId: string, uid: string, accepted: string[]): Promise<FriendsAdded> {
    const targets = [...new Set(accepted)];
    return this.tx.run(async (tx) => {
      const active = await this.parties.activeUids(tx, appId, [uid, ...targets], 'no key update');
      if (!active.has(uid)) throw uidNotFound(uid);
      const candidates = targets.filter((t) => t !== uid && active.has(t));
      const already = await this.friendships.friendsAmong(tx, appId, uid, candidates);
      const counts = await this.friendships.countFriends(tx, appId, [uid, ...candidates]);
      const count = (u: string) => counts.get(u) ?? 0;
      const results = resultsByUid();
      const added: string[] = [];
      for (const t of targets) {
        if (t === uid) {
          results[t] = itemFailed(
            'ERR_CANNOT_FORM_SELF_RELATION',
            'A user cannot befriend itself.',
          );
        } else if (!active.has(t)) {
          results[t] = itemFailed('ERR_UID_NOT_FOUND', `The uid ${t} does not exist.`);
        } else if (already.has(t)) {
          results[t] = itemFailed('ERR_ALREADY_FRIEND', `${uid} and ${t} are already friends.`);
        } else if (count(uid) >= MAX_FRIENDS_PER_USER || count(t) >= MAX_FRIENDS_PER_USER) {
          const full = count(uid) >= MAX_FRIENDS_PER_USER ? uid : t;
          results[t] = itemFailed(
            'ERR_PLAN_QUOTA_RESTRICTION',
            `${full} already has ${MAX_FRIENDS_PER_USER} friends, the most a user may have.`,
          );
        } else {
          added.push(t);
          counts.set(uid, count(uid) + 1);
          counts.set(t, count(t) + 1);
          results[t] = itemSucceeded('Created relationship with status accepted.');
        }
      }
      await this.friendships.insertPairs(tx, appId, uid, added, this.clock.now());
      for (const friendUid of added) {
        await this.outbox.stage(tx, EVENTS.users.friendAdded, appId, { uid, friendUid });
      }
      return { accepted: results };
    });
  }

  /**
   * Ends the friendships of `uid` with each of `friends`, all or nothing: when any of them is not a
   * friend the whole call is refused with ERR_NOT_A_FRIEND (details name them) and nothing is
   * removed, so a caller never has to work out which part happened. A friendship with a user who
   * was since deactivated or deleted can still be removed.
   */
  async remove(appId: string, uid: string, friends: string[]): Promise<Success> {
    const targets = [...new Set(friends)];
    await this.tx.run(async (tx) => {
      const active = await this.parties.activeUids(tx, appId, [uid], 'none');
      if (!active.has(uid)) throw uidNotFound(uid);
      const removed = new Set(await this.friendships.deletePairs(tx, appId, uid, targets));
      const notFriends = targets.filter((t) => !removed.has(t));
      if (notFriends.length) {
        // Thrown inside the transaction: the removals above are rolled back.
        throw new DomainError(
          'ERR_NOT_A_FRIEND',
          `Not friends of ${uid}: ${notFriends.join(', ')}.`,
          {
            friends: notFriends.map((t) => `${t} is not a friend of ${uid}`),
          },
        );
      }
      for (const friendUid of targets) {
        await this.outbox.stage(tx, EVENTS.users.friendRemoved, appId, { uid, friendUid });
      }
    });
    return {
      success: true,
      message: `Removed the friendship of ${uid} with ${targets.join(', ')}.`,
    };
  }

  /** A page of the active friends of `uid`, in uid order. */
  async list(
    appId: string,
    uid: string,
    filter: { searchKey?: string },
    page: PageQuery,
  ): Promise<Page<User>> {
    if (!(await this.parties.isActive(appId, uid))) throw uidNotFound(uid);
    const [rows, total] = await this.friendships.listActiveFriends(appId, uid, filter, page);
    return { items: rows.map(toUser), pagination: pagination(total, rows.length, page) };
  }
}
