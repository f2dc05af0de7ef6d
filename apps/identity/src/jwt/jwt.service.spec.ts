import { Clock, DomainError, sha256 } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { Principal } from '@parley/contracts';
import { AuthTokenRepository } from '../auth-tokens/auth-token.repository';
import { CredentialService } from '../credentials/credential.service';
import { JwtCodec } from './jwt-codec';
import { JWT_TTL_SECONDS, JwtService } from './jwt.service';

const NOW = 1_800_000_000;
const TOKEN = 'alice_1800000000abcdef';

/** The service with a real codec and mocked stores; `now` moves the clock. */
function setup(
  /** `owner`: the uid the stored token names while its user is active (null: none or inactive). */
  opts: { principal?: Principal; owner?: string | null } = {},
) {
  let now = NOW;
  const clock = { now: () => new Date(now * 1000), nowSeconds: () => now };
  const credentials = {
    verify: jest.fn(
      async (): Promise<Principal> =>
        opts.principal ?? { appId: 'app1', kind: 'user', uid: 'alice' },
    ),
  };
  const tokens = {
    activeOwner: jest.fn(async () => (opts.owner === undefined ? 'alice' : opts.owner)),
  };
  const service = new JwtService(
    new JwtCodec({ PARLEY_JWT_SECRET: 'k'.repeat(32) }),
    credentials as unknown as CredentialService,
    tokens as unknown as AuthTokenRepository,
    clock as unknown as Clock,
  );
  return { service, credentials, tokens, setNow: (s: number) => (now = s) };
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

describe('JwtService', () => {
  describe('issue', () => {
    it('checks the token as the guard does and names it by its hash, never by itself', async () => {
      const { service, credentials } = setup();
      const { jwt } = await service.issue('app1', 'alice', TOKEN);
      expect(credentials.verify).toHaveBeenCalledWith({ appId: 'app1', authToken: TOKEN });
      expect(claimsOf(jwt)).toEqual({
        appId: 'app1',
        uid: 'alice',
        tokenHash: sha256(TOKEN),
        iat: NOW,
        exp: NOW + JWT_TTL_SECONDS,
      });
      expect(jwt).not.toContain(TOKEN);
      expect(Buffer.from(jwt.split('.')[1], 'base64url').toString()).not.toContain(TOKEN);
    });

    it("refuses another user's token", async () => {
      const { service } = setup({ principal: { appId: 'app1', kind: 'user', uid: 'bob' } });
      expect((await domainErrorOf(service.issue('app1', 'alice', TOKEN))).code).toBe(
        'ERR_AUTHTOKEN_NOT_ACCESSIBLE',
      );
    });

    it('passes on what credential verification refuses', async () => {
      const { service, credentials } = setup();
      credentials.verify.mockRejectedValueOnce(new DomainError('AUTH_ERR_AUTH_TOKEN_NOT_FOUND'));
      expect((await domainErrorOf(service.issue('app1', 'alice', TOKEN))).code).toBe(
        'AUTH_ERR_AUTH_TOKEN_NOT_FOUND',
      );
    });
  });

  describe('verify', () => {
    it('gives the user and the token hash while the token exists', async () => {
      const { service, tokens } = setup();
      const { jwt } = await service.issue('app1', 'alice', TOKEN);
      await expect(service.verify(jwt)).resolves.toEqual({
        appId: 'app1',
        uid: 'alice',
        tokenHash: sha256(TOKEN),
      });
      expect(tokens.activeOwner).toHaveBeenCalledWith('app1', sha256(TOKEN));
    });

    it('refuses a JWT whose token was deleted or whose user was deactivated', async () => {
      const { service } = setup({ owner: null });
      const { jwt } = await service.issue('app1', 'alice', TOKEN);
      expect((await domainErrorOf(service.verify(jwt))).code).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
    });

    it('refuses a JWT whose token now belongs to someone else', async () => {
      const { service } = setup({ owner: 'bob' });
      const { jwt } = await service.issue('app1', 'alice', TOKEN);
      expect((await domainErrorOf(service.verify(jwt))).code).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
    });

    it('refuses an expired or forged JWT without looking anything up', async () => {
      const { service, tokens, setNow } = setup();
      const { jwt } = await service.issue('app1', 'alice', TOKEN);
      setNow(NOW + JWT_TTL_SECONDS);
      expect((await domainErrorOf(service.verify(jwt))).code).toBe('AUTH_ERR_INVALID_JWT');
      setNow(NOW);
      expect((await domainErrorOf(service.verify(`${jwt}x`))).code).toBe('AUTH_ERR_INVALID_JWT');
      expect(tokens.activeOwner).not.toHaveBeenCalled();
    });
  });
});
