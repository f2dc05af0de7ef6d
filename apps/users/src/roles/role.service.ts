import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import {
  DEFAULT_ROLE,
  DEFAULT_ROLE_SETTINGS,
  EVENTS,
  MAX_ROLES_PER_APP,
  Page,
  PageQuery,
  pagination,
  Role,
  RoleCreate,
  RoleUpdate,
} from '@parley/contracts';
import { RoleEntity } from './role.entity';
import { roleSettings, toRole } from './role.mapper';
import { RoleRepository } from './role.repository';

type Success = { success: true; message: string };

const notFound = (role: string) =>
  new DomainError('ERR_ROLE_NOT_FOUND', `The role ${role} does not exist.`);

/** Only the settings actually given (an absent one keeps its value). */
const given = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Roles of an app (reference §4.4): `default` exists in every app and cannot be deleted. */
@Injectable()
export class RoleService {
  constructor(
    private readonly roles: RoleRepository,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async create(input: RoleCreate): Promise<Role> {
    const now = this.clock.now();
    const entity: RoleEntity = {
      appId: input.appId,
      role: input.role,
      name: input.name,
      description: input.description ?? null,
      metadata: input.metadata ?? null,
      settings: { ...DEFAULT_ROLE_SETTINGS, ...given(input.settings) },
      createdAt: now,
      updatedAt: now,
    };
    return this.tx.run(async (tx) => {
      const count = await this.roles.countForUpdate(tx, input.appId, now);
      if (count >= MAX_ROLES_PER_APP) {
        throw new DomainError(
          'ERR_PLAN_QUOTA_RESTRICTION',
          `An app may have at most ${MAX_ROLES_PER_APP} roles, default included.`,
        );
      }
      if (!(await this.roles.insert(tx, entity))) {
        throw new DomainError('ERR_ROLE_ALREADY_EXISTS', `The role ${input.role} already exists.`);
      }
      const created = toRole(entity);
      await this.outbox.stage(tx, EVENTS.users.roleCreated, input.appId, { role: created });
      return created;
    });
  }

  async get(appId: string, role: string): Promise<Role> {
    let found = await this.roles.find(appId, role);
    if (!found && role === DEFAULT_ROLE) {
      await this.roles.ensureDefault(appId, this.clock.now());
      found = await this.roles.find(appId, role);
    }
    if (!found) throw notFound(role);
    return toRole(found);
  }

  /** The app's roles; `default` is always among them. */
  async list(appId: string, page: PageQuery): Promise<Page<Role>> {
    await this.roles.ensureDefault(appId, this.clock.now());
    const [rows, total] = await this.roles.list(appId, page);
    return { items: rows.map(toRole), pagination: pagination(total, rows.length, page) };
  }

  /**
   * Given fields replace the stored ones, except `settings`, which is merged setting by setting.
   * Fields named in `unset` are cleared; unsetting `settings` returns both to `all`.
   */
  async update(input: RoleUpdate): Promise<Role> {
    const { appId, role, unset = [], ...change } = input;
    const both = unset.filter((field) => change[field] !== undefined);
    if (both.length) {
      throw new DomainError('ERR_BAD_REQUEST', 'A field cannot be both set and unset.', {
        unset: [`set and unset together: ${both.join(', ')}`],
      });
    }
    const now = this.clock.now();
    return this.tx.run(async (tx) => {
      if (role === DEFAULT_ROLE) await this.roles.ensureDefault(appId, now, tx);
      const found = await this.roles.findForUpdate(tx, appId, role);
      if (!found) throw notFound(role);
      if (change.name !== undefined) found.name = change.name;
      if (change.description !== undefined) found.description = change.description;
      if (change.metadata !== undefined) found.metadata = change.metadata;
      found.settings = { ...roleSettings(found), ...given(change.settings) };
      for (const field of unset) {
        if (field === 'settings') found.settings = { ...DEFAULT_ROLE_SETTINGS };
        else found[field] = null;
      }
      found.updatedAt = now;
      await this.roles.update(tx, found);
      const updated = toRole(found);
      await this.outbox.stage(tx, EVENTS.users.roleUpdated, appId, { role: updated });
      return updated;
    });
  }

  async delete(appId: string, role: string): Promise<Success> {
    if (role === DEFAULT_ROLE) throw new DomainError('ERR_ROLE_DELETE_DENIED');
    await this.tx.run(async (tx) => {
      // The row goes first: its lock makes a user being given the role meanwhile finish (and be
      // moved below) or fail with ERR_ROLE_NOT_FOUND.
      if (!(await this.roles.delete(tx, appId, role))) throw notFound(role);
      // Users keep a valid role: whoever held the deleted one now holds `default`.
      await this.roles.moveUsersToDefault(tx, appId, role, this.clock.now());
      await this.outbox.stage(tx, EVENTS.users.roleDeleted, appId, { role });
    });
    return { success: true, message: `The role ${role} has been deleted.` };
  }
}
