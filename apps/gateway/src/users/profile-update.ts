import { DomainError, MessageBus, parseOrThrow } from '@parley/common';
import { RPC, UserProfileBody, UserProfileBodySchema } from '@parley/contracts';

/**
 * A profile change sent by CometChat's SDK (`updateUser` with the auth key, or
 * `updateCurrentUserDetails` as the user): the SDK sends its whole User object, so keys that are
 * not the profile's are dropped; a `role` is accepted only when it is the user's current one (a
 * User read back and sent again carries it), since a role is the app's to give.
 */
export async function profileUpdate(
  bus: MessageBus,
  user: { appId: string; uid: string },
  body: unknown,
  who: string,
): Promise<UserProfileBody> {
  const profile = parseOrThrow(UserProfileBodySchema, body ?? {});
  const role = (body as { role?: unknown } | null)?.role;
  if (role !== undefined && role !== null) {
    const current = await bus.request(RPC.users.userGet, user);
    if (role !== current.role)
      throw new DomainError('AUTH_ERR_NO_ACCESS', `${who} cannot change a user's role.`);
  }
  return profile;
}
