import { z } from 'zod';

/** A field the SDK sends that Parley keeps if it is usable and otherwise ignores. */
const lenient = <S extends z.ZodType>(schema: S) => schema.optional().catch(undefined);

/**
 * `PUT /v3.0/me`, the SDK's login step 2: it describes the device (`platform`, `deviceId`,
 * `appInfo{version, apiVersion, userAgent}`), which is kept on the auth token. Lenient: a field of
 * the wrong type is ignored rather than failing a login.
 */
export const MeUpdateBodySchema = z
  .object({
    platform: lenient(z.string()),
    deviceId: lenient(z.string()),
    userAgent: lenient(z.string()),
    appInfo: lenient(z.record(z.string(), z.unknown())),
  })
  .passthrough();
export type MeUpdateBody = z.infer<typeof MeUpdateBodySchema>;
