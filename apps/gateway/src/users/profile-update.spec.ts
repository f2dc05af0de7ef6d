import { DomainError, MessageBus } from '@parley/common';
import { RPC } from '@parley/contracts';
import { profileUpdate } from './profile-update';

const ALICE = { appId: 'app1', uid: 'alice' };

/** A bus whose users service knows alice with role `default`. */
function busWithAlice() {
  const request = jest.fn(async (def: { subject: string }) => {
    if (def.subject === RPC.users.userGet.subject) return { uid: 'alice', role: 'default' };
    throw new Error(`unexpected ${def.subject}`);
  });
  return { bus: { request } as unknown as MessageBus, request };
}

describe('profileUpdate', () => {
  it("keeps the profile fields of the SDK's whole User object and drops the rest", async () => {
    const { bus, request } = busWithAlice();
    const change = await profileUpdate(
      bus,
      ALICE,
      {
        uid: 'alice',
        name: 'Alice',
        avatar: 'https://img.example.com/a.png',
        statusMessage: 'hi',
        metadata: { city: 'Oxford' },
        hasBlockedMe: false,
        blockedByMe: false,
        deactivatedAt: 0,
        status: 'online',
      },
      'A user',
    );
    expect(change).toEqual({
      name: 'Alice',
      avatar: 'https://img.example.com/a.png',
      statusMessage: 'hi',
      metadata: { city: 'Oxford' },
    });
    expect(request).not.toHaveBeenCalled();
  });

  it('accepts the role the user has, and refuses another naming who tried', async () => {
    const { bus } = busWithAlice();
    await expect(profileUpdate(bus, ALICE, { role: 'default' }, 'A user')).resolves.toEqual({});
    const refused = profileUpdate(bus, ALICE, { name: 'A', role: 'admin' }, 'The auth key');
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({
      code: 'AUTH_ERR_NO_ACCESS',
      message: "The auth key cannot change a user's role.",
    });
  });

  it('refuses a bad profile field with the validation error', async () => {
    const { bus } = busWithAlice();
    await expect(
      profileUpdate(bus, ALICE, { statusMessage: 's'.repeat(256) }, 'A user'),
    ).rejects.toMatchObject({
      code: 'ERR_BAD_REQUEST',
    });
  });
});
