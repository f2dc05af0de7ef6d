import { Injectable } from '@nestjs/common';
import { Clock, DomainError, MessageBus, SecretGenerator } from '@parley/common';
import {
  isWebhookTrigger,
  Page,
  PageQuery,
  pagination,
  RPC,
  Webhook,
  WebhookCreate,
  WebhookUpdate,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { EndpointEntity } from './endpoint.entity';
import { toWebhook } from './endpoint.mapper';
import { EndpointRepository } from './endpoint.repository';

/** Endpoints an app may have. */
export const MAX_WEBHOOKS_PER_APP = 25;

type Success = { success: true; message: string };

const notFound = (id: string) =>
  new DomainError('ERR_WEBHOOK_NOT_FOUND', `The webhook ${id} does not exist.`);

/** Refuses trigger ids that are not in the catalogue (WEBHOOK_TRIGGERS); answers them deduplicated. */
function knownTriggers(ids: string[]): string[] {
  const unknown = ids.filter((t) => !isWebhookTrigger(t));
  if (unknown.length) {
    throw new DomainError('ERR_TRIGGER_NOT_FOUND', `No such trigger: ${unknown.join(', ')}.`, {
      triggers: unknown.map((t) => `${t} is not a trigger`),
    });
  }
  return [...new Set(ids)];
}

/** The operator's webhook endpoints of an app (API.md §3). */
@Injectable()
export class EndpointService {
  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly secrets: SecretGenerator,
    private readonly clock: Clock,
  ) {}

  async create(input: WebhookCreate): Promise<Webhook> {
    const triggers = knownTriggers(input.triggers);
    // The app must exist; an unknown one is ERR_APP_NOT_FOUND from identity.
    await this.bus.request(RPC.identity.appGet, { appId: input.appId });
    const now = this.clock.now();
    const entity: EndpointEntity = {
      appId: input.appId,
      id: input.id ?? this.secrets.hex(8),
      name: input.name,
      url: input.webhookURL,
      triggers,
      useBasicAuth: input.useBasicAuth,
      username: input.username ?? null,
      password: input.password ?? null,
      signingSecret: `whsec_${this.secrets.hex(24)}`,
      enabled: input.enabled,
      createdAt: now,
      updatedAt: now,
    };
    await this.ds.transaction(async (tx) => {
      if ((await this.endpoints.countForCreate(tx, input.appId)) >= MAX_WEBHOOKS_PER_APP) {
        throw new DomainError(
          'ERR_PLAN_QUOTA_RESTRICTION',
          `An app may have at most ${MAX_WEBHOOKS_PER_APP} webhooks.`,
        );
      }
      if (!(await this.endpoints.insert(entity, tx))) {
        throw new DomainError(
          'ERR_WEBHOOK_ALREADY_EXISTS',
          `The webhook ${entity.id} already exists.`,
        );
      }
    });
    return toWebhook(entity);
  }

  async get(appId: string, id: string): Promise<Webhook> {
    const found = await this.endpoints.find(appId, id.toLowerCase());
    if (!found) throw notFound(id);
    return toWebhook(found);
  }

  async list(appId: string, page: PageQuery): Promise<Page<Webhook>> {
    const [rows, total] = await this.endpoints.list(appId, page);
    return { items: rows.map(toWebhook), pagination: pagination(total, rows.length, page) };
  }

  /** Given fields replace the stored ones; `enabled: false` pauses deliveries, `true` resumes them. */
  update(input: WebhookUpdate): Promise<Webhook> {
    const { appId, id, ...change } = input;
    const triggers = change.triggers && knownTriggers(change.triggers);
    return this.change(appId, id, (e) => {
      if (change.name !== undefined) e.name = change.name;
      if (change.webhookURL !== undefined) e.url = change.webhookURL;
      if (triggers) e.triggers = triggers;
      if (change.useBasicAuth !== undefined) e.useBasicAuth = change.useBasicAuth;
      if (change.username !== undefined) e.username = change.username || null;
      if (change.password !== undefined) e.password = change.password || null;
      if (change.enabled !== undefined) e.enabled = change.enabled;
      if (e.useBasicAuth && !(e.username && e.password)) {
        throw new DomainError('ERR_BAD_REQUEST', 'The request failed validation.', {
          useBasicAuth: ['useBasicAuth needs a username and a password'],
        });
      }
    });
  }

  addTriggers(appId: string, id: string, triggerIds: string[]): Promise<Webhook> {
    const added = knownTriggers(triggerIds);
    return this.change(appId, id, (e) => {
      e.triggers = [...new Set([...e.triggers, ...added])];
    });
  }

  removeTriggers(appId: string, id: string, triggerIds: string[]): Promise<Webhook> {
    const removed = new Set(knownTriggers(triggerIds));
    return this.change(appId, id, (e) => {
      e.triggers = e.triggers.filter((t) => !removed.has(t));
    });
  }

  async delete(appId: string, id: string): Promise<Success> {
    if (!(await this.endpoints.delete(appId, id.toLowerCase()))) throw notFound(id);
    return { success: true, message: `The webhook ${id} has been deleted.` };
  }

  private async change(
    appId: string,
    id: string,
    apply: (e: EndpointEntity) => void,
  ): Promise<Webhook> {
    return this.ds.transaction(async (tx) => {
      const found = await this.endpoints.findForUpdate(tx, appId, id.toLowerCase());
      if (!found) throw notFound(id);
      apply(found);
      found.updatedAt = this.clock.now();
      await this.endpoints.update(tx, found);
      return toWebhook(found);
    });
  }
}
