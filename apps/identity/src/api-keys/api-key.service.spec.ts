import { Clock, maskSecret, Outbox, SecretGenerator, sha256, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { ApiKeyScope, EVENTS, MAX_API_KEYS_PER_APP, Principal } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';

const TX = {} as EntityManager;
const T0 = new Date('2025-01-02T03:04:05.678Z');
const T1 = new Date(T0.getTime() + 60_000);
const CALLER_KEY = 'c'.repeat(40);
const OTHER_KEY = 'd'.repeat(40);
const NEW_KEY = 'e'.repeat(40);

/** The fullAccess key a REST call arrives with. */
function callerPrincipal(over: Partial<Principal> = {}): Principal {
  return { appId: 'app1', kind: 'fullAccess', apiKeyHash: sha256(CALLER_KEY), ...over };
}

/** A stored key row; `plain` is the key it is the hash of. */
function keyRow(plain: string, over: Partial<ApiKeyEntity> = {}): ApiKeyEntity {
  return {
    keyHash: sha256(plain),
    appId: 'app1',
    masked: maskSecret(plain),
    name: 'Rest API Key',
    scope: 'fullAccess',
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

/** The service with every collaborator mocked; `stored` is the key the repository finds. */
function setup(opts: { stored?: ApiKeyEntity | null; keyCount?: number } = {}) {
  const stored = opts.stored === undefined ? keyRow(OTHER_KEY) : opts.stored;
  const repo = {
    insert: jest.fn(async (_tx: EntityManager, _key: ApiKeyEntity) => undefined),
    countForUpdate: jest.fn(async (_tx: EntityManager, _appId: string) => opts.keyCount ?? 2),
    find: jest.fn(async (_appId: string, _hash: string) => (stored ? { ...stored } : null)),
    list: jest.fn(async (): Promise<[ApiKeyEntity[], number]> => [[], 0]),
    update: jest.fn(async (_tx: EntityManager, _key: ApiKeyEntity) => undefined),
    delete: jest.fn(async (_tx: EntityManager, _appId: string, _hash: string) => stored !== null),
  };
  const transactor = {
    run: jest.fn(
      async <T>(
        work: (tx: EntityManager) => Promise<T>,
        _opts?: { publishBeforeReturn?: boolean },
      ): Promise<T> => work(TX),
    ),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => Math.floor(T1.getTime() / 1000) };
  const secrets = { hex: jest.fn((_bytes: number) => NEW_KEY) };
  const service = new ApiKeyService(
    repo as unknown as ApiKeyRepository,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
    secrets as SecretGenerator,
  );
  return { service, repo, transactor, outbox, secrets };
}

describe('ApiKeyService', () => {
  describe('create', () => {
    it('stores only the hash and the masked key, and shows the whole key once', async () => {
      const { service, repo } = setup();
      const key = await service.create('app1', 'Mobile', 'authOnly');
      expect(key).toEqual({
        apiKey: NEW_KEY,
        name: 'Mobile',
        scope: 'authOnly',
        createdAt: Math.floor(T1.getTime() / 1000),
        updatedAt: Math.floor(T1.getTime() / 1000),
      });
      expect(repo.insert).toHaveBeenCalledWith(TX, {
        keyHash: sha256(NEW_KEY),
        appId: 'app1',
        masked: maskSecret(NEW_KEY),
        name: 'Mobile',
        scope: 'authOnly',
        createdAt: T1,
        updatedAt: T1,
      });
      expect(JSON.stringify(repo.insert.mock.calls[0][1])).not.toContain(NEW_KEY);
    });

    it("counts the app's keys in the same (locking) transaction as the insert", async () => {
      const { service, repo } = setup();
      await service.create('app1', 'Mobile', 'authOnly');
      expect(repo.countForUpdate).toHaveBeenCalledWith(TX, 'app1');
    });

    it(`allows the ${MAX_API_KEYS_PER_APP}th key`, async () => {
      const { service, repo } = setup({ keyCount: MAX_API_KEYS_PER_APP - 1 });
      await service.create('app1', 'Last', 'fullAccess');
      expect(repo.insert).toHaveBeenCalled();
    });

    it(`refuses a key beyond ${MAX_API_KEYS_PER_APP} with ERR_PLAN_QUOTA_RESTRICTION`, async () => {
      const { service, repo } = setup({ keyCount: MAX_API_KEYS_PER_APP });
      const err = await domainErrorOf(service.create('app1', 'One too many', 'fullAccess'));
      expect(err.code).toBe('ERR_PLAN_QUOTA_RESTRICTION');
      expect(repo.insert).not.toHaveBeenCalled();
    });
  });

  describe('acting on the key in use', () => {
    it.each([
      ['update', (s: ApiKeyService) => s.update(callerPrincipal(), CALLER_KEY, { name: 'x' })],
      ['delete', (s: ApiKeyService) => s.delete(callerPrincipal(), CALLER_KEY)],
    ])(
      'refuses to %s it with ERR_APIKEY_NO_SELF_ACTION and changes nothing',
      async (_verb, act) => {
        const { service, repo, transactor, outbox } = setup({ stored: keyRow(CALLER_KEY) });
        expect((await domainErrorOf(act(service))).code).toBe('ERR_APIKEY_NO_SELF_ACTION');
        expect(transactor.run).not.toHaveBeenCalled();
        expect(repo.update).not.toHaveBeenCalled();
        expect(repo.delete).not.toHaveBeenCalled();
        expect(outbox.stage).not.toHaveBeenCalled();
      },
    );
  });

  describe('delete', () => {
    it('deletes the key and stages apiKeyRevoked, published before it answers', async () => {
      const { service, repo, transactor, outbox } = setup();
      await expect(service.delete(callerPrincipal(), OTHER_KEY)).resolves.toMatchObject({
        success: true,
      });
      expect(repo.delete).toHaveBeenCalledWith(TX, 'app1', sha256(OTHER_KEY));
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.identity.apiKeyRevoked, 'app1', {
        apiKeyHash: sha256(OTHER_KEY),
      });
      expect(transactor.run).toHaveBeenCalledWith(expect.any(Function), {
        publishBeforeReturn: true,
      });
    });

    it('answers ERR_APIKEY_NOT_FOUND for an unknown key and announces nothing', async () => {
      const { service, outbox } = setup({ stored: null });
      expect((await domainErrorOf(service.delete(callerPrincipal(), OTHER_KEY))).code).toBe(
        'ERR_APIKEY_NOT_FOUND',
      );
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it("only touches keys of the caller's app", async () => {
      const { service, repo } = setup();
      await service.delete(callerPrincipal({ appId: 'app2' }), OTHER_KEY);
      expect(repo.delete).toHaveBeenCalledWith(TX, 'app2', sha256(OTHER_KEY));
    });
  });

  describe('update', () => {
    it('stages apiKeyRevoked when the scope is narrowed, published before it answers', async () => {
      const { service, repo, transactor, outbox } = setup({
        stored: keyRow(OTHER_KEY, { scope: 'fullAccess' }),
      });
      const key = await service.update(callerPrincipal(), OTHER_KEY, { scope: 'authOnly' });
      expect(key.scope).toBe('authOnly');
      expect(repo.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ scope: 'authOnly', updatedAt: T1 }),
      );
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.identity.apiKeyRevoked, 'app1', {
        apiKeyHash: sha256(OTHER_KEY),
      });
      expect(transactor.run).toHaveBeenCalledWith(expect.any(Function), {
        publishBeforeReturn: true,
      });
    });

    it.each<[string, { name?: string; scope?: ApiKeyScope }]>([
      ['renamed', { name: 'Renamed' }],
      ['given its current scope', { scope: 'fullAccess' }],
      ['renamed with its current scope', { name: 'Renamed', scope: 'fullAccess' }],
    ])('stages no revocation when a key is only %s', async (_case, change) => {
      const { service, repo, outbox } = setup({
        stored: keyRow(OTHER_KEY, { scope: 'fullAccess' }),
      });
      const key = await service.update(callerPrincipal(), OTHER_KEY, change);
      expect(key).toMatchObject({ name: change.name ?? 'Rest API Key', scope: 'fullAccess' });
      expect(repo.update).toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('keeps the scope when only the name changes', async () => {
      const { service, repo } = setup({ stored: keyRow(OTHER_KEY, { scope: 'authOnly' }) });
      await service.update(callerPrincipal(), OTHER_KEY, { name: 'Renamed' });
      expect(repo.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ name: 'Renamed', scope: 'authOnly' }),
      );
    });

    it('answers ERR_APIKEY_NOT_FOUND for an unknown key and writes nothing', async () => {
      const { service, repo, outbox } = setup({ stored: null });
      const err = await domainErrorOf(
        service.update(callerPrincipal(), OTHER_KEY, { scope: 'authOnly' }),
      );
      expect(err.code).toBe('ERR_APIKEY_NOT_FOUND');
      expect(repo.update).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });
  });

  describe('get', () => {
    it("looks the key up by its hash in the caller's app", async () => {
      const { service, repo } = setup();
      const key = await service.get(callerPrincipal(), OTHER_KEY);
      expect(repo.find).toHaveBeenCalledWith('app1', sha256(OTHER_KEY));
      expect(key.apiKey).toBe(OTHER_KEY);
    });

    it('answers ERR_APIKEY_NOT_FOUND for an unknown key', async () => {
      const { service } = setup({ stored: null });
      expect((await domainErrorOf(service.get(callerPrincipal(), OTHER_KEY))).code).toBe(
        'ERR_APIKEY_NOT_FOUND',
      );
    });
  });
});
