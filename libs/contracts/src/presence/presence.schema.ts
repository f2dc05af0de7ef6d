import { z } from 'zod';
import { EventEnvelope } from '../event.schema';

/**
 * Presence (ARCHITECTURE.md §7): gateways report every authenticated socket to the presence
 * service, which keeps them in Redis under a per-gateway heartbeat TTL and announces a user's
 * first socket (online) and last one (offline).
 */

/** One socket: which gateway holds it and its id there (unique per gateway process). */
export const PresenceConnectionSchema = z.object({
  appId: z.string().min(1).max(100),
  uid: z.string().min(1).max(100),
  gatewayId: z.string().min(1).max(100),
  connectionId: z.string().min(1).max(100),
});
export type PresenceConnection = z.infer<typeof PresenceConnectionSchema>;

/** A gateway is alive; `known: false` asks it to report all its sockets again (sync). */
export const GatewayHeartbeatSchema = z.object({ gatewayId: z.string().min(1).max(100) });
export const GatewayHeartbeatReplySchema = z.object({
  known: z.boolean(),
  /** Seconds presence keeps a gateway's sockets without a heartbeat; beat well within it. */
  ttlSeconds: z.number().int().positive(),
});

/** Every socket a gateway holds now: presence forgets the ones it had and the gateway did not name. */
export const GatewaySyncSchema = z.object({
  gatewayId: z.string().min(1).max(100),
  connections: z.array(PresenceConnectionSchema.omit({ gatewayId: true })).max(1_000_000),
});

export const OnlineListSchema = z.object({ appId: z.string() });
export const OnlineListReplySchema = z.object({ uids: z.array(z.string()) });

/** How many of `uids` are online, or, without `uids`, how many users of the app are. */
export const OnlineCountSchema = z.object({
  appId: z.string(),
  uids: z.array(z.string()).max(10_000).optional(),
});
export const OnlineCountReplySchema = z.object({ count: z.number().int().nonnegative() });

/** Presence of some users (users service: the `status` and `lastActiveAt` of a page). */
export const PresenceGetManySchema = z.object({
  appId: z.string(),
  uids: z.array(z.string()).max(1000),
});
export const UserPresenceSchema = z.object({
  uid: z.string(),
  online: z.boolean(),
  /** Unix seconds: when the user last came online or went offline; absent if never seen. */
  lastActiveAt: z.number().optional(),
});
export type UserPresence = z.infer<typeof UserPresenceSchema>;
export const PresenceGetManyReplySchema = z.object({ users: z.array(UserPresenceSchema) });

/** A user came online (first socket) or went offline (last socket closed or its gateway died). */
export const PresenceEventSchema = EventEnvelope.extend({
  uid: z.string(),
  /** Unix seconds of the change (also the user's new `lastActiveAt`). */
  at: z.number(),
});
