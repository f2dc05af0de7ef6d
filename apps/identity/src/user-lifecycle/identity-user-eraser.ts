import { Injectable } from '@nestjs/common';
import { ErasureCounts, Outbox, UserDataEraser } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { AuthTokenRepository } from '../auth-tokens/auth-token.repository';

/**
 * Erases a permanently deleted user from identity: their auth tokens (announced as revoked, so
 * every gateway drops their sessions and closes their sockets) and their deactivation record.
 */
@Injectable()
export class IdentityUserEraser extends UserDataEraser {
  constructor(
    private readonly tokens: AuthTokenRepository,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  async erase(tx: EntityManager, appId: string, uid: string): Promise<ErasureCounts> {
    const erased: ErasureCounts = {};
    const hashes = await this.tokens.deleteAll(tx, appId, uid);
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
