import { UserEntity } from '../users/user.entity';

/** 2025-01-02T03:04:05.678Z, so that seconds truncation is visible. */
export const T0 = new Date(1735787045678);
export const T1 = new Date(T0.getTime() + 60_000);

/** An active user row with every optional field unset; override what a test is about. */
export function userRow(over: Partial<UserEntity> = {}): UserEntity {
  return {
    appId: 'app1',
    uid: 'alice',
    name: 'Alice',
    avatar: null,
    link: null,
    role: 'default',
    statusMessage: null,
    metadata: null,
    tags: [],
    lastActiveAt: null,
    createdAt: T0,
    updatedAt: T0,
    deactivatedAt: null,
    deletedAt: null,
    ...over,
  };
}

/** A row with every optional field set. */
export function fullUserRow(over: Partial<UserEntity> = {}): UserEntity {
  return userRow({
    avatar: 'https://example.com/a.png',
    link: 'https://example.com/alice',
    role: 'moderator',
    statusMessage: 'busy',
    metadata: { '@private': { email: 'alice@example.com' } },
    tags: ['vip', 'beta'],
    lastActiveAt: T0,
    ...over,
  });
}

export const deletedUserRow = (over: Partial<UserEntity> = {}) =>
  userRow({ deletedAt: T0, ...over });
export const deactivatedUserRow = (over: Partial<UserEntity> = {}) =>
  userRow({ deactivatedAt: T0, ...over });
