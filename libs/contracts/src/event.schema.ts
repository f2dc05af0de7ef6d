import { z } from 'zod';

/** Every domain event carries these (ARCHITECTURE.md §4). `v` is the payload version. */
export const EventEnvelope = z.object({
  v: z.literal(1),
  eventId: z.string(),
  appId: z.string(),
  occurredAt: z.number(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;
