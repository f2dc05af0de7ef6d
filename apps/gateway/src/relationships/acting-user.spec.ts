import { DomainError } from '@parley/common';
import { actingUid } from './acting-user';

describe('actingUid', () => {
  it("is the token's user", () => {
    expect(actingUid({ appId: 'a', kind: 'user', uid: 'alice' })).toBe('alice');
  });

  it('is the onBehalfOf user of a REST API key', () => {
    expect(actingUid({ appId: 'a', kind: 'fullAccess', uid: 'bob' })).toBe('bob');
  });

  it('refuses a REST API key without onBehalfOf with ERR_BAD_REQUEST naming onBehalfOf', () => {
    let error: unknown;
    try {
      actingUid({ appId: 'a', kind: 'fullAccess' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'ERR_BAD_REQUEST' });
    expect((error as DomainError).details).toHaveProperty('onBehalfOf');
  });
});
