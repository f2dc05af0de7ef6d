import { toSeconds } from '@parley/common';
import { DEFAULT_ROLE_SETTINGS, Role, RoleSettings } from '@parley/contracts';
import { RoleEntity } from './role.entity';

/** Both settings, a missing one read as its default. */
export function roleSettings(e: Pick<RoleEntity, 'settings'>): RoleSettings {
  return { ...DEFAULT_ROLE_SETTINGS, ...e.settings };
}

/** The contract's role: unset optional fields omitted, both settings always given. */
export function toRole(e: RoleEntity): Role {
  const r: Role = {
    role: e.role,
    name: e.name,
    settings: roleSettings(e),
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
  if (e.description !== null) r.description = e.description;
  if (e.metadata !== null) r.metadata = e.metadata;
  return r;
}
