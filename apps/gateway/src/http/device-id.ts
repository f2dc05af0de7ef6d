/**
 * The session a REST call comes from: the client SDK's `resource` header (its session id), given
 * back as `deviceId` on the real-time frames the call causes, so that session drops its own copy.
 */
export function deviceIdOf(resource: string | undefined): string | undefined {
  const trimmed = resource?.trim();
  return trimmed ? trimmed.slice(0, 255) : undefined;
}
