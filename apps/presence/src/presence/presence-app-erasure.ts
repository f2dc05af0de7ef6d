import { Injectable } from '@nestjs/common';
import { AppStoreErasure, ErasureCounts } from '@parley/common';
import { CallStore } from '../calls/call.store';
import { PresenceStore } from './presence.store';

/** What presence holds of a deleted app in Redis: sockets, online sets, last activity, calls. */
@Injectable()
export class PresenceAppErasure extends AppStoreErasure {
  constructor(
    private readonly presence: PresenceStore,
    private readonly calls: CallStore,
  ) {
    super();
  }

  async erase(appId: string): Promise<ErasureCounts> {
    return { ...(await this.presence.eraseApp(appId)), ...(await this.calls.eraseApp(appId)) };
  }
}
