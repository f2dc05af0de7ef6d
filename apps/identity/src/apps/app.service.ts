import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, SecretGenerator, Transactor } from '@parley/common';
import { App, AppCreated, AppLimits, EVENTS } from '@parley/contracts';
import { ApiKeyService } from '../api-keys/api-key.service';
import { AppRepository } from './app.repository';
import { toApp } from './app.mapper';

@Injectable()
export class AppService {
  constructor(
    private readonly apps: AppRepository,
    private readonly keys: ApiKeyService,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly secrets: SecretGenerator,
  ) {}

  /** A new app comes with one fullAccess (REST) key and one authOnly (Auth) key. */
  async create(input: { name: string; appId?: string }): Promise<AppCreated> {
    const now = this.clock.now();
    const appId = input.appId ?? this.secrets.hex(8);
    return this.tx.run(async (tx) => {
      const inserted = await this.apps.insert(tx, {
        appId,
        name: input.name,
        limits: {},
        createdAt: now,
        updatedAt: now,
      });
      if (!inserted)
        throw new DomainError(
          'ERR_APP_ALREADY_EXISTS',
          `An app with appId ${appId} already exists.`,
        );
      const rest = await this.keys.createInTx(tx, appId, 'Rest API Key', 'fullAccess', now);
      const auth = await this.keys.createInTx(tx, appId, 'Auth Key', 'authOnly', now);
      const app = toApp({ appId, name: input.name, limits: {}, createdAt: now, updatedAt: now });
      return { ...app, apiKeys: [rest, auth] };
    });
  }

  async list(): Promise<App[]> {
    return (await this.apps.list()).map(toApp);
  }

  async get(appId: string): Promise<App> {
    const app = await this.apps.find(appId);
    if (!app) throw new DomainError('ERR_APP_NOT_FOUND');
    return toApp(app);
  }

  async update(input: { appId: string; name?: string; limits?: AppLimits }): Promise<App> {
    const app = await this.apps.find(input.appId);
    if (!app) throw new DomainError('ERR_APP_NOT_FOUND');
    if (input.name !== undefined) app.name = input.name;
    if (input.limits) app.limits = { ...app.limits, ...input.limits };
    app.updatedAt = this.clock.now();
    await this.apps.update(app);
    return toApp(app);
  }

  /** Erases the app's identity data and announces it, so every service erases its own. */
  async delete(appId: string): Promise<{ success: true; message: string }> {
    await this.tx.run(
      async (tx) => {
        if (!(await this.apps.delete(tx, appId))) throw new DomainError('ERR_APP_NOT_FOUND');
        await this.outbox.stage(tx, EVENTS.identity.appDeleted, appId, {});
      },
      { publishBeforeReturn: true },
    );
    return { success: true, message: `App ${appId} has been deleted.` };
  }
}
