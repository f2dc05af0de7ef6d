import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import {
  BlockDirection,
  BlockedUser,
  EVENTS,
  Page,
  PageQuery,
  pagination,
  RelationshipResults,
} from '@parley/contracts';
import { toBlockedUser } from './block.mapper';
import { BlockRepository } from './block.repository';
import { itemFailed, itemSucceeded, resultsByUid } from './relationship.mapper';
import { RelationshipPartyRepository } from './relationship-party.repository';

const uidNotFound = (uid: string) =>
  new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);
const CANNOT_BLOCK_SELF = () => itemFailed('ERR_CANNOT_BLOCK_SELF', 'A user cannot block itself.');

/** Blocked users (reference §4.5). Blocks are one-way; blocking and unblocking are idempotent. */
@Injectable()
export class BlockService {
  constructor(
    private readonly blocks: BlockRepository,
    private readonly parties: RelationshipPartyRepository,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /**
   * `blocker` blocks each of `blockedUids`, with a result per uid. Blocking a user already blocked
   * succeeds again and keeps the first block's time (and announces nothing new).
   */
  async block(appId: string, blocker: string, blockedUids: string[]): Promise<RelationshipResults> {
    const targets = [...new Set(blockedUids)];
    return this.tx.run(async (tx) => {
      // Key-share locks: a user cannot be erased between this check and the insert.
      const active = await this.parties.activeUids(tx, appId, [blocker, ...targets], 'key share');
      if (!active.has(blocker)) throw uidNotFound(blocker);
      const results = resultsByUid();
      const toBlock: string[] = [];
      for (const t of targets) {
        if (t === blocker) {
          results[t] = CANNOT_BLOCK_SELF();
        } else if (!active.has(t)) {
          results[t] = itemFailed('ERR_UID_NOT_FOUND', `The uid ${t} does not exist.`);
        } else {
          toBlock.push(t);
          results[t] = itemSucceeded(`The user ${t} is blocked.`);
        }
      }
      const added = await this.blocks.insert(tx, appId, blocker, toBlock, this.clock.now());
      for (const blocked of added) {
        await this.outbox.stage(tx, EVENTS.users.blockAdded, appId, { blocker, blocked });
      }
      return results;
    });
  }

  /**
   * `blocker` unblocks each of `blockedUids`, with a result per uid. Idempotent: unblocking an
   * active user who is not blocked succeeds (saying so); only a uid that names no active user and
   * has no block to remove is ERR_UID_NOT_FOUND. A block of a user since deactivated or deleted can
   * still be removed.
   */
  async unblock(
    appId: string,
    blocker: string,
    blockedUids: string[],
  ): Promise<RelationshipResults> {
    const targets = [...new Set(blockedUids)];
    return this.tx.run(async (tx) => {
      const active = await this.parties.activeUids(tx, appId, [blocker, ...targets], 'none');
      if (!active.has(blocker)) throw uidNotFound(blocker);
      const others = targets.filter((t) => t !== blocker);
      const removed = new Set(await this.blocks.delete(tx, appId, blocker, others));
      const results = resultsByUid();
      for (const t of targets) {
        if (t === blocker) results[t] = CANNOT_BLOCK_SELF();
        else if (removed.has(t)) results[t] = itemSucceeded(`The user ${t} is unblocked.`);
        else if (active.has(t)) results[t] = itemSucceeded(`The user ${t} was not blocked.`);
        else results[t] = itemFailed('ERR_UID_NOT_FOUND', `The uid ${t} does not exist.`);
      }
      for (const blocked of removed) {
        await this.outbox.stage(tx, EVENTS.users.blockRemoved, appId, { blocker, blocked });
      }
      return results;
    });
  }

  /**
   * A page of the active users in `viewer`'s blocked list for `direction`, in uid order, each with
   * its block fields both ways (a user `viewer` blocked who also blocked `viewer` says so).
   */
  async list(
    appId: string,
    viewer: string,
    direction: BlockDirection,
    filter: { searchKey?: string },
    page: PageQuery,
  ): Promise<Page<BlockedUser>> {
    if (!(await this.parties.isActive(appId, viewer))) throw uidNotFound(viewer);
    const [rows, total] = await this.blocks.listBlockedUsers(
      appId,
      viewer,
      direction,
      filter,
      page,
    );
    const times = await this.blocks.blockTimes(
      appId,
      viewer,
      rows.map((u) => u.uid),
    );
    return {
      items: rows.map((u) => toBlockedUser(u, times.get(u.uid), viewer)),
      pagination: pagination(total, rows.length, page),
    };
  }
}
