import { Injectable } from '@nestjs/common';
import {
  Clock,
  DomainError,
  maskSecret,
  Outbox,
  SecretGenerator,
  sha256,
  Transactor,
} from '@parley/common';
import {
  ApiKey,
  ApiKeyScope,
  EVENTS,
  MAX_API_KEYS_PER_APP,
  Page,
  pagination,
  PageQuery,
  Principal,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { ApiKeyRepository } from './api-key.repository';
import { toApiKey } from './api-key.mapper';

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly secrets: SecretGenerator,
  ) {}

  /** Creates a key inside the caller's transaction; the reply is the only time the whole key is shown. */
  async createInTx(
    tx: EntityManager,
    appId: string,
    name: string,
    scope: ApiKeyScope,
    now: Date,
  ): Promise<ApiKey> {
    const count = await this.keys.countForUpdate(tx, appId);
    if (count === undefined) throw new DomainError('ERR_APP_NOT_FOUND');
    if (count >= MAX_API_KEYS_PER_APP) {
      throw new DomainError(
        'ERR_PLAN_QUOTA_RESTRICTION',
        `An app may have at most ${MAX_API_KEYS_PER_APP} API keys.`,
      );
    }
    const plain = this.secrets.hex(20);
    const entity = {
      keyHash: sha256(plain),
      appId,
      masked: maskSecret(plain),
      name,
      scope,
      createdAt: now,
      updatedAt: now,
    };
    await this.keys.insert(tx, entity);
    return toApiKey(entity, plain);
  }

  create(appId: string, name: string, scope: ApiKeyScope): Promise<ApiKey> {
    return this.tx.run((tx) => this.createInTx(tx, appId, name, scope, this.clock.now()));
  }

  async list(
    appId: string,
    filter: { scope?: ApiKeyScope; searchKey?: string },
    page: PageQuery,
  ): Promise<Page<ApiKey>> {
    const [rows, total] = await this.keys.list(appId, filter, page);
    return {
      items: rows.map((r) => toApiKey(r)),
      pagination: pagination(total, rows.length, page),
    };
  }

  async get(principal: Principal, apiKey: string): Promise<ApiKey> {
    const key = await this.keys.find(principal.appId, sha256(apiKey));
    if (!key) throw new DomainError('ERR_APIKEY_NOT_FOUND');
    return toApiKey(key, apiKey);
  }

  async update(
    principal: Principal,
    apiKey: string,
    change: { name?: string; scope?: ApiKeyScope },
  ): Promise<ApiKey> {
    const hash = this.refuseSelf(principal, apiKey);
    return this.tx.run(
      async (tx) => {
        const key = await this.keys.find(principal.appId, hash, tx);
        if (!key) throw new DomainError('ERR_APIKEY_NOT_FOUND');
        const narrowed = change.scope !== undefined && change.scope !== key.scope;
        if (change.name !== undefined) key.name = change.name;
        if (change.scope !== undefined) key.scope = change.scope;
        key.updatedAt = this.clock.now();
        await this.keys.update(tx, key);
        // A scope change must reach every gateway's credential cache before we answer.
        if (narrowed)
          await this.outbox.stage(tx, EVENTS.identity.apiKeyRevoked, principal.appId, {
            apiKeyHash: hash,
          });
        return toApiKey(key, apiKey);
      },
      { publishBeforeReturn: true },
    );
  }

  async delete(principal: Principal, apiKey: string): Promise<{ success: true; message: string }> {
    const hash = this.refuseSelf(principal, apiKey);
    await this.tx.run(
      async (tx) => {
        if (!(await this.keys.delete(tx, principal.appId, hash)))
          throw new DomainError('ERR_APIKEY_NOT_FOUND');
        await this.outbox.stage(tx, EVENTS.identity.apiKeyRevoked, principal.appId, {
          apiKeyHash: hash,
        });
      },
      { publishBeforeReturn: true },
    );
    return { success: true, message: 'The API key has been deleted.' };
  }

  private refuseSelf(principal: Principal, apiKey: string): string {
    const hash = sha256(apiKey);
    if (principal.apiKeyHash === hash) throw new DomainError('ERR_APIKEY_NO_SELF_ACTION');
    return hash;
  }
}
