import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import { DEFAULT_ROLE, DEFAULT_ROLE_SETTINGS, RoleSettings } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { roleSettings } from './role.mapper';
import { RoleRepository } from './role.repository';

/** What other features of the users service may ask about an app's roles. */
@Injectable()
export class RoleDirectory {
  constructor(private readonly roles: RoleRepository) {}

  /**
   * Throws ERR_ROLE_NOT_FOUND unless the app has the role (`default` always exists). Call it in the
   * transaction that gives a user the role: the role cannot be deleted until that transaction ends.
   */
  async assertExists(tx: EntityManager, appId: string, role: string): Promise<void> {
    if (role === DEFAULT_ROLE) return;
    if (!(await this.roles.existsForShare(tx, appId, role))) {
      throw new DomainError('ERR_ROLE_NOT_FOUND', `The role ${role} does not exist.`);
    }
  }

  /** The role's settings; `all`/`all` for `default` before it is materialised, or a role not found. */
  async settingsFor(appId: string, role: string): Promise<RoleSettings> {
    const found = await this.roles.find(appId, role);
    return found ? roleSettings(found) : { ...DEFAULT_ROLE_SETTINGS };
  }
}
