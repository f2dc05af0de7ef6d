import { T0, T1, userRow } from '../testing/user.factory';
import { toBlockedUser, toBlockFields } from './block.mapper';

const S0 = Math.floor(T0.getTime() / 1000);
const S1 = Math.floor(T1.getTime() / 1000);

describe('toBlockFields', () => {
  it('says false both ways, with no times, when there is no block', () => {
    expect(toBlockFields(undefined)).toEqual({ blockedByMe: false, hasBlockedMe: false });
  });

  it("gives the viewer's block time as blockedByMeAt and blockedAt", () => {
    expect(toBlockFields({ blockedByMeAt: T0 })).toEqual({
      blockedByMe: true,
      blockedByMeAt: S0,
      hasBlockedMe: false,
      blockedAt: S0,
    });
  });

  it("gives the other user's block time as blockedAt when the viewer has not blocked them", () => {
    expect(toBlockFields({ hasBlockedMeAt: T1 })).toEqual({
      blockedByMe: false,
      hasBlockedMe: true,
      blockedAt: S1,
    });
  });

  it("prefers the viewer's own block for blockedAt when both blocked", () => {
    expect(toBlockFields({ blockedByMeAt: T0, hasBlockedMeAt: T1 })).toMatchObject({
      blockedByMe: true,
      hasBlockedMe: true,
      blockedAt: S0,
    });
  });
});

describe('toBlockedUser', () => {
  it('is the user with its block fields and the 1:1 conversation id, smaller uid first', () => {
    const user = toBlockedUser(userRow({ uid: 'alice' }), { blockedByMeAt: T0 }, 'zed');
    expect(user).toMatchObject({
      uid: 'alice',
      name: 'Alice',
      blockedByMe: true,
      conversationId: 'alice_user_zed',
    });
  });
});
