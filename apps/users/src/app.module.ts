import { Module } from '@nestjs/common';
import {
  AppErasureConsumer,
  PlatformModule,
  PresenceReader,
  ServiceModuleOptions,
  userErasureReportHandler,
  userErasuresMigration,
  userExportHandler,
} from '@parley/common';
import { RPC } from '@parley/contracts';
import { UsersInitial1764115300000 } from './migrations/1764115300000-users-initial';
import { UsersRoles1764200000000 } from './migrations/1764200000000-users-roles';
import { UsersRoleIndex1764200200000 } from './migrations/1764200200000-users-role-index';
import { UsersRelationships1764200100000 } from './migrations/1764200100000-users-relationships';
import { BlockEntity } from './relationships/block.entity';
import { BlockHandler } from './relationships/block.handler';
import { BlockRepository } from './relationships/block.repository';
import { BlockService } from './relationships/block.service';
import { FriendshipEntity } from './relationships/friendship.entity';
import { FriendshipHandler } from './relationships/friendship.handler';
import { FriendshipRepository } from './relationships/friendship.repository';
import { FriendshipService } from './relationships/friendship.service';
import { RelationshipPartyRepository } from './relationships/relationship-party.repository';
import { RelationshipReader } from './relationships/relationship-reader';
import { RoleDirectory } from './roles/role-directory';
import { RoleEntity } from './roles/role.entity';
import { RoleHandler } from './roles/role.handler';
import { RoleRepository } from './roles/role.repository';
import { RoleService } from './roles/role.service';
import { AuthTokenIssuer } from './users/auth-token-issuer';
import { UserImportHandler } from './data-import/user-import.handler';
import { UserImportService } from './data-import/user-import.service';
import { LastActiveConsumer } from './presence/last-active.consumer';
import { UserActivationService } from './users/user-activation.service';
import { UserViewService } from './users/user-view.service';
import { UserEntity } from './users/user.entity';
import { UserHandler } from './users/user.handler';
import { UserRepository } from './users/user.repository';
import { UserService } from './users/user.service';

export const USERS_DATABASE = {
  schema: 'users',
  entities: [UserEntity, RoleEntity, FriendshipEntity, BlockEntity],
  migrations: [
    UsersInitial1764115300000,
    UsersRoles1764200000000,
    UsersRelationships1764200100000,
    UsersRoleIndex1764200200000,
    userErasuresMigration('users', 1764600000000),
  ],
};

/** Users: the users of each app (schema `users`). */
@Module({
  providers: [
    UserRepository,
    UserService,
    UserHandler,
    UserViewService,
    UserActivationService,
    PresenceReader,
    LastActiveConsumer,
    AppErasureConsumer,
    userExportHandler(RPC.users.userExport),
    userErasureReportHandler(RPC.users.userErasure),
    UserImportService,
    UserImportHandler,
    AuthTokenIssuer,
    RoleRepository,
    RoleService,
    RoleHandler,
    RoleDirectory,
    RelationshipPartyRepository,
    FriendshipRepository,
    FriendshipService,
    FriendshipHandler,
    BlockRepository,
    BlockService,
    BlockHandler,
    RelationshipReader,
  ],
})
export class UsersFeaturesModule {}

export function usersModule(opts: ServiceModuleOptions = {}) {
  @Module({
    imports: [
      PlatformModule.forService({
        name: 'users',
        database: USERS_DATABASE,
        http: opts.http,
        embedded: opts.embedded,
      }),
      UsersFeaturesModule,
    ],
  })
  class UsersModule {}
  return UsersModule;
}
