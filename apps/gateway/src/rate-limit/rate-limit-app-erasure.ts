import { Inject, Injectable } from '@nestjs/common';
import { AppStoreErasure, deleteKeysMatching, ErasureCounts, Redis } from '@parley/common';
import { appCounterKeys } from './rate-limit.service';

/** A deleted app's rate-limit counters (they would expire within minutes; erased at once). */
@Injectable()
export class RateLimitAppErasure extends AppStoreErasure {
  constructor(@Inject(Redis) private readonly redis: Redis) {
    super();
  }

  async erase(appId: string): Promise<ErasureCounts> {
    return {
      'gateway.rateLimitCounters': await deleteKeysMatching(this.redis, appCounterKeys(appId)),
    };
  }
}
