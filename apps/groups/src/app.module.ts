import { Module } from '@nestjs/common';
import {
  AppErasureConsumer,
  PlatformModule,
  PresenceReader,
  ServiceModuleOptions,
  UserDataEraser,
  userErasureReportHandler,
  userErasuresMigration,
  UserErasureConsumer,
  userExportHandler,
} from '@parley/common';
import { RPC } from '@parley/contracts';
import { GroupsUserEraser } from './erasure/groups-user-eraser';
import { GroupImportHandler } from './data-import/group-import.handler';
import { GroupImportService } from './data-import/group-import.service';
import { GroupPasswords } from './groups/group-passwords';
import { GroupViewService } from './groups/group-view.service';
import { GroupEntity } from './groups/group.entity';
import { GroupHandler } from './groups/group.handler';
import { GroupRepository } from './groups/group.repository';
import { GroupService } from './groups/group.service';
import { BanEntity } from './members/ban.entity';
import { MemberEntity } from './members/member.entity';
import { MemberImportHandler } from './members/member-import.handler';
import { MemberImportService } from './members/member-import.service';
import { MemberLookupHandler } from './members/member-lookup.handler';
import { MemberLookupService } from './members/member-lookup.service';
import { MemberRepository } from './members/member.repository';
import { MembershipHandler } from './members/membership.handler';
import { MembershipService } from './members/membership.service';
import { OnlineMembersService } from './members/online-members.service';
import { UserDirectory } from './members/user-directory';
import { GroupsInitial1764300000000 } from './migrations/1764300000000-groups-initial';

export const GROUPS_DATABASE = {
  schema: 'groups',
  entities: [GroupEntity, MemberEntity, BanEntity],
  migrations: [GroupsInitial1764300000000, userErasuresMigration('groups', 1764600000000)],
};

/**
 * Groups: groups, members and bans of each app (schema `groups`); a permanently deleted user's
 * memberships and bans are erased (GroupsUserEraser).
 */
@Module({
  providers: [
    AppErasureConsumer,
    userExportHandler(RPC.groups.userExport),
    userErasureReportHandler(RPC.groups.userErasure),
    { provide: UserDataEraser, useClass: GroupsUserEraser },
    UserErasureConsumer,
    GroupRepository,
    MemberRepository,
    UserDirectory,
    PresenceReader,
    OnlineMembersService,
    GroupPasswords,
    GroupService,
    GroupViewService,
    GroupHandler,
    GroupImportService,
    GroupImportHandler,
    MembershipService,
    MembershipHandler,
    MemberImportService,
    MemberImportHandler,
    MemberLookupService,
    MemberLookupHandler,
  ],
})
export class GroupsFeaturesModule {}

export function groupsModule(opts: ServiceModuleOptions = {}) {
  @Module({
    imports: [
      PlatformModule.forService({
        name: 'groups',
        database: GROUPS_DATABASE,
        http: opts.http,
        embedded: opts.embedded,
      }),
      GroupsFeaturesModule,
    ],
  })
  class GroupsModule {}
  return GroupsModule;
}
