import { Injectable } from '@nestjs/common';
import { DomainError, sha256 } from '@parley/common';
import { Principal, VerifyRequest } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { AppEntity } from '../apps/app.entity';
import { AuthTokenEntity } from '../auth-tokens/auth-token.entity';
import { InactiveUserRepository } from '../user-lifecycle/inactive-user.repository';

/** Resolves a credential of an app into a principal (the gateway's guard asks this). */
@Injectable()
export class CredentialService {
  constructor(
    private readonly ds: DataSource,
    private readonly inactive: InactiveUserRepository,
  ) {}

  async verify(req: VerifyRequest): Promise<Principal> {
    const appId = req.appId.toLowerCase();
    if ('apiKey' in req) {
      const hash = sha256(req.apiKey);
      const key = await this.ds.getRepository(ApiKeyEntity).findOneBy({ appId, keyHash: hash });
      if (key) return { appId, kind: key.scope, apiKeyHash: hash };
      await this.assertAppExists(appId);
      throw new DomainError('AUTH_ERR_APIKEY_NOT_FOUND');
    }
    const token = await this.ds
      .getRepository(AuthTokenEntity)
      .findOneBy({ appId, tokenHash: sha256(req.authToken) });
    if (token) {
      // A deactivated user behaves as not found everywhere, their devices included.
      if (await this.inactive.isInactive(appId, token.uid))
        throw new DomainError('ERR_UID_NOT_FOUND');
      return { appId, kind: 'user', uid: token.uid };
    }
    await this.assertAppExists(appId);
    throw new DomainError('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
  }

  private async assertAppExists(appId: string): Promise<void> {
    if (!(await this.ds.getRepository(AppEntity).existsBy({ appId })))
      throw new DomainError('AUTH_ERR_INVALID_APPID');
  }
}
