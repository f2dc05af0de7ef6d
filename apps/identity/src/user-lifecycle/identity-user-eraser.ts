import { Injectable } from '@nestjs/common';
import { ErasureCounts, Outbox, UserDataEraser } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { EntityManager } from 'typeorm';

/**
 * Erases a permanently deleted user from identity: their auth tokens (announced as revoked, so
 * every gateway drops their sessions and closes their sockets) and their deactivation record.
 */
@Injectable()
export class IdentityUserEraser extends UserDataEraser {
  constructor(private readonly outbox: Outbox) {
    super();
  }

  async erase(
    tx: EntityManager,
    appId: string,
    uid: string,
    before = new Date(8.64e15),
  ): Promise<ErasureCounts> {
    const erased: ErasureCounts = {};
    // The tokens made before the delete (a new user of the uid keeps those made since).
    const hashes = (
      (await tx.query(
        `DELETE FROM "identity"."auth_tokens"
         WHERE "app_id" = $1 AND "uid" = $2 AND "created_at" < $3 RETURNING "token_hash"`,
        [appId, uid, before],
      )) as [Array<{ token_hash: string }>, number]
    )[0].map((r) => r.token_hash);
    if (hashes.length) {
      erased.auth_tokens = hashes.length;
      await this.outbox.stage(tx, EVENTS.identity.tokenRevoked, appId, {
        uid,
        tokenHashes: hashes,
      });
    }
    const [, inactive] = (await tx.query(
      `DELETE FROM "identity"."inactive_users" WHERE "app_id" = $1 AND "uid" = $2`,
      [appId, uid],
    )) as [unknown, number];
    if (inactive) erased.inactive_users = inactive;
    return erased;
  }
}
