import { Injectable } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { RPC } from '@parley/contracts';

/** Issues auth tokens for users (asked of the identity service, which owns them). */
@Injectable()
export class AuthTokenIssuer {
  constructor(private readonly bus: MessageBus) {}

  /** A new token for the user; identity checks that the user exists, so call it after the commit. */
  async issue(appId: string, uid: string): Promise<string> {
    const token = await this.bus.request(RPC.identity.tokenCreate, { appId, uid });
    return token.authToken;
  }
}
