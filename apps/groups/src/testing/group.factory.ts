import { GroupEntity } from '../groups/group.entity';
import { MemberEntity } from '../members/member.entity';

/** 2025-01-02T03:04:05.678Z, so that seconds truncation is visible. */
export const T0 = new Date(1735787045678);
export const T1 = new Date(T0.getTime() + 60_000);
export const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** A public group owned by `owner` with one member (the owner) and every optional field unset. */
export function groupRow(over: Partial<GroupEntity> = {}): GroupEntity {
  return {
    appId: 'app1',
    guid: 'g1',
    name: 'Group one',
    type: 'public',
    passwordHash: null,
    owner: 'owner',
    icon: null,
    description: null,
    metadata: null,
    tags: [],
    membersCount: 1,
    createdAt: T0,
    updatedAt: T0,
    updatedBy: null,
    ...over,
  };
}

/** A row with every optional field set (a password group). */
export function fullGroupRow(over: Partial<GroupEntity> = {}): GroupEntity {
  return groupRow({
    type: 'password',
    passwordHash: '$argon2id$stored',
    icon: 'https://example.com/g.png',
    description: 'About the group',
    metadata: { topic: 'chat' },
    tags: ['vip', 'beta'],
    updatedBy: 'owner',
    ...over,
  });
}

export function memberRow(over: Partial<MemberEntity> = {}): MemberEntity {
  return {
    appId: 'app1',
    guid: 'g1',
    uid: 'owner',
    scope: 'admin',
    joinedAt: T0,
    ...over,
  };
}
