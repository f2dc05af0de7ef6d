import { Injectable } from '@nestjs/common';
import { BlockFields } from '@parley/contracts';
import { toBlockFields } from './block.mapper';
import { BlockRepository } from './block.repository';
import { FriendshipRepository } from './friendship.repository';

/**
 * Read-only answers about friends and blocks, for other features of this service (user views per
 * viewer, `friendsOnly` roles). To filter a user query to the viewer's friends inside SQL, use
 * `friendOfViewerSql` from friendship.repository instead of `friendUids`.
 */
@Injectable()
export class RelationshipReader {
  constructor(
    private readonly friendships: FriendshipRepository,
    private readonly blocks: BlockRepository,
  ) {}

  areFriends(appId: string, a: string, b: string): Promise<boolean> {
    return this.friendships.areFriends(appId, a, b);
  }

  /** Every friend of `uid` (at most 1000), whatever the friend's state, in uid order. */
  friendUids(appId: string, uid: string): Promise<string[]> {
    return this.friendships.friendUids(appId, uid);
  }

  /**
   * The block fields (`blockedByMe`, `blockedByMeAt`, `hasBlockedMe`, `blockedAt`) of each of `uids`
   * as `viewer` sees them, for a whole page of users in one query. Every uid gets an entry.
   */
  async blockFieldsFor(
    appId: string,
    viewer: string,
    uids: string[],
  ): Promise<Map<string, BlockFields>> {
    const times = await this.blocks.blockTimes(appId, viewer, uids);
    return new Map(uids.map((uid) => [uid, toBlockFields(times.get(uid))]));
  }

  /** The users `uid` blocked and those who blocked `uid`. */
  blocksOf(appId: string, uid: string): Promise<{ blockedByMe: string[]; hasBlockedMe: string[] }> {
    return this.blocks.blocksOf(appId, uid);
  }

  /** Whether `a` blocked `b` and whether `b` blocked `a` (sending rules: ERR_BLOCKED_*). */
  async blocksBetween(
    appId: string,
    a: string,
    b: string,
  ): Promise<{ aBlockedB: boolean; bBlockedA: boolean }> {
    const times = (await this.blocks.blockTimes(appId, a, [b])).get(b);
    return {
      aBlockedB: times?.blockedByMeAt !== undefined,
      bBlockedA: times?.hasBlockedMeAt !== undefined,
    };
  }
}
