import { z } from 'zod';

/** Resolve a credential of an app into a principal. Exactly one of apiKey / authToken. */
export const VerifySchema = z.union([
  z.object({ appId: z.string(), apiKey: z.string().max(200) }),
  z.object({ appId: z.string(), authToken: z.string().max(300) }),
]);
export type VerifyRequest = z.infer<typeof VerifySchema>;
