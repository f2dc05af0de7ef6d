import { Injectable } from '@nestjs/common';
import { AppStoreErasure, ErasureCounts } from '@parley/common';
import { RateLimitCounters } from './rate-limit.counters';
import { appCounterPrefix } from './rate-limit.service';

/** A deleted app's rate-limit counters (they would expire within minutes; erased at once). */
@Injectable()
export class RateLimitAppErasure extends AppStoreErasure {
  constructor(private readonly counters: RateLimitCounters) {
    super();
  }

  async erase(appId: string): Promise<ErasureCounts> {
    return {
      'gateway.rateLimitCounters': await this.counters.erasePrefix(appCounterPrefix(appId)),
    };
  }
}
