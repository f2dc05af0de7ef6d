import { Module } from '@nestjs/common';
import { PlatformModule } from '@parley/common';
import { UsersInitial1764115300000 } from './migrations/1764115300000-users-initial';
import { AuthTokenIssuer } from './users/auth-token-issuer';
import { UserEntity } from './users/user.entity';
import { UserHandler } from './users/user.handler';
import { UserRepository } from './users/user.repository';
import { UserService } from './users/user.service';

export const USERS_DATABASE = {
  schema: 'users',
  entities: [UserEntity],
  migrations: [UsersInitial1764115300000],
};

/** Users: the users of each app (schema `users`). */
@Module({
  providers: [UserRepository, UserService, UserHandler, AuthTokenIssuer],
})
export class UsersFeaturesModule {}

export function usersModule(opts: { http?: boolean } = {}) {
  @Module({
    imports: [
      PlatformModule.forService({ name: 'users', database: USERS_DATABASE, http: opts.http }),
      UsersFeaturesModule,
    ],
  })
  class UsersModule {}
  return UsersModule;
}
