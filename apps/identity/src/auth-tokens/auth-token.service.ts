import { Injectable } from '@nestjs/common';
import {
  Clock,
  DomainError,
  maskSecret,
  Outbox,
  SecretGenerator,
  sha256,
  Transactor,
} from '@parley/common';
import { AuthToken, EVENTS, Page, PageQuery, pagination } from '@parley/contracts';
import { AuthTokenRepository } from './auth-token.repository';
import { toAuthToken } from './auth-token.mapper';
import { UserDirectory } from './user-directory';

type Success = { success: true; message: string };

/**
 * Auth tokens: one per user per device. Tokens are stored hashed, so an existing token cannot be
 * handed out again: every create issues a new one (`force` is accepted and changes nothing).
 */
@Injectable()
export class AuthTokenService {
  constructor(
    private readonly tokens: AuthTokenRepository,
    private readonly users: UserDirectory,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly secrets: SecretGenerator,
  ) {}

  async create(appId: string, uid: string): Promise<AuthToken> {
    await this.users.assertExists(appId, uid);
    const now = this.clock.now();
    // CometChat's shape: `{uid}_{10-digit createdAt}{hex}`.
    const plain = `${uid}_${Math.floor(now.getTime() / 1000)}${this.secrets.hex(20)}`;
    const entity = {
      tokenHash: sha256(plain),
      appId,
      uid,
      masked: maskSecret(plain),
      platform: null,
      userAgent: null,
      appInfo: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.tx.run((tx) => this.tokens.insert(tx, entity));
    return toAuthToken(entity, plain);
  }

  async list(appId: string, uid: string, page: PageQuery): Promise<Page<AuthToken>> {
    await this.users.assertExists(appId, uid);
    const [rows, total] = await this.tokens.list(appId, uid, page);
    return {
      items: rows.map((r) => toAuthToken(r)),
      pagination: pagination(total, rows.length, page),
    };
  }

  async get(appId: string, uid: string, authToken: string): Promise<AuthToken> {
    const token = await this.find(appId, uid, authToken);
    return toAuthToken(token, authToken);
  }

  async update(
    appId: string,
    uid: string,
    authToken: string,
    change: { platform?: string; userAgent?: string; appInfo?: Record<string, unknown> },
  ): Promise<AuthToken> {
    const token = await this.find(appId, uid, authToken);
    if (change.platform !== undefined) token.platform = change.platform;
    if (change.userAgent !== undefined) token.userAgent = change.userAgent;
    if (change.appInfo !== undefined) token.appInfo = change.appInfo;
    token.updatedAt = this.clock.now();
    await this.tokens.update(token);
    return toAuthToken(token, authToken);
  }

  async delete(appId: string, uid: string, authToken: string): Promise<Success> {
    await this.users.assertExists(appId, uid);
    const hash = sha256(authToken);
    await this.tx.run(
      async (tx) => {
        if (!(await this.tokens.delete(tx, appId, uid, hash)))
          throw new DomainError('ERR_AUTH_TOKEN_NOT_FOUND');
        await this.outbox.stage(tx, EVENTS.identity.tokenRevoked, appId, {
          uid,
          tokenHashes: [hash],
        });
      },
      { publishBeforeReturn: true },
    );
    return { success: true, message: 'The auth token has been deleted.' };
  }

  /** Deletes every token of the user (also used when the user is deleted). */
  async flush(
    appId: string,
    uid: string,
    opts: { checkUser: boolean } = { checkUser: true },
  ): Promise<Success> {
    if (opts.checkUser) await this.users.assertExists(appId, uid);
    await this.tx.run(
      async (tx) => {
        const hashes = await this.tokens.deleteAll(tx, appId, uid);
        if (hashes.length)
          await this.outbox.stage(tx, EVENTS.identity.tokenRevoked, appId, {
            uid,
            tokenHashes: hashes,
          });
      },
      { publishBeforeReturn: true },
    );
    return { success: true, message: `All auth tokens of ${uid} have been deleted.` };
  }

  private async find(appId: string, uid: string, authToken: string) {
    await this.users.assertExists(appId, uid);
    const token = await this.tokens.find(appId, sha256(authToken));
    if (!token) throw new DomainError('ERR_AUTH_TOKEN_NOT_FOUND');
    if (token.uid !== uid) throw new DomainError('ERR_AUTHTOKEN_NOT_ACCESSIBLE');
    return token;
  }
}
