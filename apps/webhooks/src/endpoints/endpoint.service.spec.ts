import { Clock, DomainError, MessageBus, SecretGenerator } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { DataSource, EntityManager } from 'typeorm';
import { EndpointEntity } from './endpoint.entity';
import { EndpointRepository } from './endpoint.repository';
import { EndpointService, MAX_WEBHOOKS_PER_APP } from './endpoint.service';

const NOW = new Date('2026-01-01T00:00:00Z');

function stored(extra: Partial<EndpointEntity> = {}): EndpointEntity {
  return {
    appId: 'app1',
    id: 'w1',
    name: 'Hook',
    url: 'https://example.com/hook',
    triggers: ['message_sent'],
    useBasicAuth: false,
    username: null,
    password: null,
    signingSecret: 'whsec_abc',
    enabled: true,
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

function setup(opts: { count?: number; inserted?: boolean; found?: EndpointEntity | null } = {}) {
  const repo = {
    countForCreate: jest.fn().mockResolvedValue(opts.count ?? 0),
    insert: jest.fn().mockResolvedValue(opts.inserted ?? true),
    findForUpdate: jest.fn().mockResolvedValue(opts.found === undefined ? stored() : opts.found),
    update: jest.fn().mockResolvedValue(undefined),
  };
  const ds = { transaction: (work: (tx: EntityManager) => unknown) => work({} as EntityManager) };
  const bus = { request: jest.fn().mockResolvedValue({}) };
  const secrets = { hex: (n: number) => 'f'.repeat(n * 2) };
  const clock = { now: () => NOW };
  const service = new EndpointService(
    repo as unknown as EndpointRepository,
    ds as unknown as DataSource,
    bus as unknown as MessageBus,
    secrets as unknown as SecretGenerator,
    clock as unknown as Clock,
  );
  return { service, repo, bus };
}

const create = {
  appId: 'app1',
  name: 'Hook',
  webhookURL: 'https://example.com/hook',
  triggers: ['message_sent', 'message_sent', 'user_blocked'],
  useBasicAuth: false,
  enabled: true,
};

describe('EndpointService', () => {
  it('creates an endpoint with a signing secret; the reply never carries the password', async () => {
    const { service, repo } = setup();
    const webhook = await service.create({
      ...create,
      useBasicAuth: true,
      username: 'u',
      password: 'p',
    });
    expect(webhook).toMatchObject({
      name: 'Hook',
      triggers: ['message_sent', 'user_blocked'],
      useBasicAuth: true,
      username: 'u',
      enabled: true,
      signingSecret: `whsec_${'f'.repeat(48)}`,
    });
    expect(webhook).not.toHaveProperty('password');
    expect((repo.insert.mock.calls[0] as [EndpointEntity])[0].password).toBe('p');
  });

  it('refuses unknown triggers, naming them', async () => {
    const { service, repo } = setup();
    const err = await domainErrorOf(
      service.create({ ...create, triggers: ['message_sent', 'nope'] }),
    );
    expect(err.code).toBe('ERR_TRIGGER_NOT_FOUND');
    expect(err.details).toEqual({ triggers: ['nope is not a trigger'] });
    expect(repo.insert).not.toHaveBeenCalled();
  });

  it('refuses a duplicate id and a webhook past the per-app cap', async () => {
    expect((await domainErrorOf(setup({ inserted: false }).service.create(create))).code).toBe(
      'ERR_WEBHOOK_ALREADY_EXISTS',
    );
    const full = setup({ count: MAX_WEBHOOKS_PER_APP });
    expect((await domainErrorOf(full.service.create(create))).code).toBe(
      'ERR_PLAN_QUOTA_RESTRICTION',
    );
    expect(full.repo.insert).not.toHaveBeenCalled();
  });

  it('an unknown app is refused by identity and nothing is stored', async () => {
    const { service, repo, bus } = setup();
    bus.request.mockRejectedValue(new DomainError('ERR_APP_NOT_FOUND'));
    expect((await domainErrorOf(service.create(create))).code).toBe('ERR_APP_NOT_FOUND');
    expect(repo.insert).not.toHaveBeenCalled();
  });

  it('disables and re-enables; adds and removes triggers without duplicates', async () => {
    const { service } = setup();
    expect((await service.update({ appId: 'app1', id: 'W1', enabled: false })).enabled).toBe(false);
    const added = await service.addTriggers('app1', 'w1', ['message_sent', 'group_created']);
    expect(added.triggers).toEqual(['message_sent', 'group_created']);
    const removed = await service.removeTriggers('app1', 'w1', ['message_sent']);
    expect(removed.triggers).toEqual(['group_created']);
  });

  it('basic auth without credentials is refused on update', async () => {
    const { service, repo } = setup();
    const err = await domainErrorOf(
      service.update({ appId: 'app1', id: 'w1', useBasicAuth: true }),
    );
    expect(err.code).toBe('ERR_BAD_REQUEST');
    expect(repo.update).not.toHaveBeenCalled();
  });

  it('an unknown webhook is ERR_WEBHOOK_NOT_FOUND', async () => {
    const { service } = setup({ found: null });
    expect((await domainErrorOf(service.update({ appId: 'app1', id: 'x' }))).code).toBe(
      'ERR_WEBHOOK_NOT_FOUND',
    );
  });
});
