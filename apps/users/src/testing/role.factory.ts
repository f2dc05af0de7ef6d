import { RoleEntity } from '../roles/role.entity';
import { T0 } from './user.factory';

/** A role row with its optional fields unset and both settings `all`; override what a test is about. */
export function roleRow(over: Partial<RoleEntity> = {}): RoleEntity {
  return {
    appId: 'app1',
    role: 'moderator',
    name: 'Moderator',
    description: null,
    metadata: null,
    settings: { listUsers: 'all', sendMessagesTo: 'all' },
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

/** A row with every optional field set and non-default settings. */
export function fullRoleRow(over: Partial<RoleEntity> = {}): RoleEntity {
  return roleRow({
    description: 'Keeps the peace',
    metadata: { level: 2 },
    settings: { listUsers: 'friendsOnly', sendMessagesTo: 'friendsOnly' },
    ...over,
  });
}
