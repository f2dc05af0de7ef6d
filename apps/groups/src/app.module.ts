import { Module } from '@nestjs/common';
import { PlatformModule } from '@parley/common';
import { GroupEntity } from './groups/group.entity';
import { GroupRepository } from './groups/group.repository';
import { BanEntity } from './members/ban.entity';
import { MemberEntity } from './members/member.entity';
import { MemberRepository } from './members/member.repository';
import { UserDirectory } from './members/user-directory';
import { GroupsInitial1764300000000 } from './migrations/1764300000000-groups-initial';

export const GROUPS_DATABASE = {
  schema: 'groups',
  entities: [GroupEntity, MemberEntity, BanEntity],
  migrations: [GroupsInitial1764300000000],
};

/** Groups: groups, members and bans of each app (schema `groups`). */
@Module({
  providers: [GroupRepository, MemberRepository, UserDirectory],
})
export class GroupsFeaturesModule {}

export function groupsModule(opts: { http?: boolean } = {}) {
  @Module({
    imports: [
      PlatformModule.forService({ name: 'groups', database: GROUPS_DATABASE, http: opts.http }),
      GroupsFeaturesModule,
    ],
  })
  class GroupsModule {}
  return GroupsModule;
}
