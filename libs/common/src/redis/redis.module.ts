import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { BASE_ENV } from '../bootstrap/platform.module';
import { ServiceIdentity } from '../bootstrap/service-identity';
import { BaseEnv } from '../config/config';
import { HealthRegistry } from '../health/health';
import { rootLogger } from '../logging/logger';

export { Redis } from 'ioredis';

/**
 * Milliseconds a Redis command may take. Redis sits on the request path (rate limits), so a hung
 * server must fail a command quickly rather than hold requests.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

/** Opens the shared command connection: non-blocking at boot, failing fast while disconnected. */
export function openRedis(url: string, service: string): Redis {
  const log = rootLogger().child({ component: 'redis' });
  const redis = new Redis(url, {
    // While disconnected, commands fail at once instead of queueing: callers decide (fail open).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectionName: `parley-${service}`,
  });
  let lastWarnAt = 0;
  redis.on('error', (err: Error) => {
    // ioredis reconnects by itself and repeats the error on every attempt: one line per 10 s.
    const now = Date.now();
    if (now - lastWarnAt < 10_000) return;
    lastWarnAt = now;
    log.warn({ err: err.message }, 'redis unavailable; reconnecting');
  });
  return redis;
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(Redis) private readonly redis: Redis) {}

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The service's Redis command connection (`REDIS_URL`), injectable as `Redis`, with a `redis`
 * readiness check. Needs PlatformModule. Pub/sub needs its own connection: `redis.duplicate()`.
 */
@Module({})
export class RedisModule {
  /** `critical: false` when the service works on without Redis (readiness then reports, not fails). */
  static forRoot(opts: { critical?: boolean } = {}): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        {
          provide: Redis,
          inject: [BASE_ENV, HealthRegistry, ServiceIdentity],
          useFactory: (env: BaseEnv, health: HealthRegistry, service: ServiceIdentity) => {
            const redis = openRedis(env.REDIS_URL, service.name);
            health.register(
              'redis',
              async () => {
                await redis.ping();
              },
              { critical: opts.critical ?? true },
            );
            return redis;
          },
        },
        RedisLifecycle,
      ],
      exports: [Redis],
    };
  }
}
