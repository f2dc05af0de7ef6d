import { Injectable } from '@nestjs/common';
import { Clock, DomainError, MessageBus } from '@parley/common';
import { RPC, UserExportSection, UserPresence } from '@parley/contracts';

/** Everything Parley holds about one user, gathered from each owning service. */
export interface UserExport {
  uid: string;
  /** Unix seconds. */
  exportedAt: number;
  /** Online now and `lastActiveAt`, from presence. */
  presence: UserPresence;
  /** Per service, per table of its schema, the rows about the user (see UserExportSection). */
  services: Record<'identity' | 'users' | 'groups' | 'messaging', UserExportSection>;
}

/**
 * A user's data export: each service with a schema answers `rpc.<service>.user.export` with its
 * rows about the user (profile, tags, metadata and role; friends and blocks; auth tokens without
 * their secret; memberships and bans; messages sent and calls received, edits, reactions,
 * interactions, read and delivered positions, conversations), presence adds online and
 * `lastActiveAt`. The services are asked side by side.
 */
@Injectable()
export class UserExportService {
  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
  ) {}

  async export(appId: string, uid: string): Promise<UserExport> {
    const ref = { appId, uid };
    const [identity, users, groups, messaging, presence] = await Promise.all([
      this.bus.request(RPC.identity.userExport, ref),
      this.bus.request(RPC.users.userExport, ref),
      this.bus.request(RPC.groups.userExport, ref),
      this.bus.request(RPC.messaging.userExport, ref),
      this.bus.request(RPC.presence.userGetMany, { appId, uids: [uid] }),
    ]);
    // A soft-deleted or deactivated user still has a row, and their data is still theirs.
    if (!users.tables.users?.length) throw new DomainError('ERR_UID_NOT_FOUND');
    return {
      uid,
      exportedAt: Math.floor(this.clock.now().getTime() / 1000),
      presence: presence.users[0] ?? { uid, online: false },
      services: { identity, users, groups, messaging },
    };
  }
}
