import { RPC } from '@parley/contracts';
import { MessageBus } from '../bus/message-bus';
import { PresenceReader } from '../presence/presence-reader';

/**
 * A real PresenceReader over a bus that answers as the presence service would: `online` are the
 * uids online, `lastActive` their `lastActiveAt` (Unix seconds).
 */
export function presenceReaderOf(
  online: string[] = [],
  lastActive: Record<string, number> = {},
): PresenceReader {
  const request = jest.fn(async (def: unknown, req: { uids?: string[] }) =>
    def === RPC.presence.onlineList
      ? { uids: online }
      : {
          users: (req.uids ?? []).map((uid) => ({
            uid,
            online: online.includes(uid),
            ...(lastActive[uid] !== undefined && { lastActiveAt: lastActive[uid] }),
          })),
        },
  );
  return new PresenceReader({ request } as unknown as MessageBus);
}
