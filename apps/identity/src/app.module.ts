import { Module } from '@nestjs/common';
import {
  AppErasureConsumer,
  PlatformModule,
  SecretGenerator,
  ServiceModuleOptions,
  UserDataEraser,
  userErasureReportHandler,
  userErasuresMigration,
  UserErasureConsumer,
  userExportHandler,
} from '@parley/common';
import { RPC } from '@parley/contracts';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeyHandler } from './api-keys/api-key.handler';
import { ApiKeyRepository } from './api-keys/api-key.repository';
import { ApiKeyService } from './api-keys/api-key.service';
import { AppEntity } from './apps/app.entity';
import { AppHandler } from './apps/app.handler';
import { AppRepository } from './apps/app.repository';
import { AppService } from './apps/app.service';
import { AuthTokenEntity } from './auth-tokens/auth-token.entity';
import { AuthTokenHandler } from './auth-tokens/auth-token.handler';
import { AuthTokenRepository } from './auth-tokens/auth-token.repository';
import { AuthTokenService } from './auth-tokens/auth-token.service';
import { UserDirectory } from './auth-tokens/user-directory';
import { CredentialHandler } from './credentials/credential.handler';
import { CredentialService } from './credentials/credential.service';
import { JWT_PROVIDERS } from './jwt/jwt.providers';
import { IdentityInitial1764115200000 } from './migrations/1764115200000-identity-initial';
import { IdentityInactiveUsers1764200300000 } from './migrations/1764200300000-identity-inactive-users';
import { IdentityUserEraser } from './user-lifecycle/identity-user-eraser';
import { InactiveUserRepository } from './user-lifecycle/inactive-user.repository';
import { UserLifecycleConsumer } from './user-lifecycle/user-lifecycle.consumer';

export const IDENTITY_DATABASE = {
  schema: 'identity',
  entities: [AppEntity, ApiKeyEntity, AuthTokenEntity],
  migrations: [
    IdentityInitial1764115200000,
    IdentityInactiveUsers1764200300000,
    userErasuresMigration('identity', 1764600000000),
  ],
};

/** Identity: apps, API keys and auth tokens (schema `identity`). */
@Module({
  providers: [
    AppErasureConsumer,
    userExportHandler(RPC.identity.userExport),
    userErasureReportHandler(RPC.identity.userErasure),
    { provide: UserDataEraser, useClass: IdentityUserEraser },
    UserErasureConsumer,
    SecretGenerator,
    AppRepository,
    AppService,
    AppHandler,
    ApiKeyRepository,
    ApiKeyService,
    ApiKeyHandler,
    AuthTokenRepository,
    AuthTokenService,
    AuthTokenHandler,
    UserDirectory,
    CredentialService,
    CredentialHandler,
    UserLifecycleConsumer,
    InactiveUserRepository,
    ...JWT_PROVIDERS,
  ],
})
export class IdentityFeaturesModule {}

export function identityModule(opts: ServiceModuleOptions = {}) {
  @Module({
    imports: [
      PlatformModule.forService({
        name: 'identity',
        database: IDENTITY_DATABASE,
        http: opts.http,
        embedded: opts.embedded,
      }),
      IdentityFeaturesModule,
    ],
  })
  class IdentityModule {}
  return IdentityModule;
}
