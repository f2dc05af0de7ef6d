import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { STREAMS } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { MessageBus } from '../bus/message-bus';
import { NatsMessageBus } from '../bus/nats-message-bus';
import { RpcServer } from '../bus/rpc-server';
import { BaseEnv, BaseEnvSchema, loadConfig } from '../config/config';
import { openServiceDatabase, ServiceDatabaseOptions } from '../db/database';
import { Outbox, OutboxRelay, Transactor } from '../db/outbox';
import { OutboxRow } from '../db/outbox.entity';
import { HealthController, HealthRegistry, MetricsController } from '../health/health';
import { Metrics } from '../health/metrics';
import { ServiceModuleOptions } from '../embedded/embedded-runtime';
import { rootLogger } from '../logging/logger';
import { Clock } from './clock';
import { ServiceIdentity } from './service-identity';

export const BASE_ENV = Symbol('BASE_ENV');

export interface PlatformOptions extends ServiceModuleOptions {
  /** Service name: NATS queue group, log field, default schema. */
  name: string;
  /** The service's Postgres schema, entities and migrations; omit for a service with no database. */
  database?: ServiceDatabaseOptions;
}

@Injectable()
class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly bus: MessageBus,
    @Inject(DataSource) private readonly ds: DataSource | null,
  ) {}

  async onApplicationShutdown() {
    // Drain NATS (finish in-flight handlers' replies) before closing the database under them.
    await this.bus.close().catch(() => undefined);
    if (this.ds?.isInitialized) await this.ds.destroy();
  }
}

/**
 * Everything a Parley service stands on: config, logger, NATS bus with the RPC server, JetStream
 * streams, the service's database with migrations and outbox, health and metrics.
 */
@Module({})
export class PlatformModule {
  static forService(opts: PlatformOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: ServiceIdentity, useValue: new ServiceIdentity(opts.name) },
      { provide: BASE_ENV, useFactory: (): BaseEnv => loadConfig(BaseEnvSchema) },
      Clock,
      Metrics,
      HealthRegistry,
      {
        provide: MessageBus,
        inject: [BASE_ENV, HealthRegistry],
        useFactory: async (env: BaseEnv, health: HealthRegistry) => {
          if (opts.embedded) return opts.embedded.bus(opts.name, env.RPC_TIMEOUT_MS);
          const log = rootLogger().child({ component: 'nats' });
          const bus = await NatsMessageBus.connect(
            env.NATS_URL,
            `parley-${opts.name}`,
            env.RPC_TIMEOUT_MS,
            log,
          );
          await bus.ensureStreams(STREAMS, env.NATS_STREAM_REPLICAS);
          health.register('nats', async () => {
            if (!bus.isConnected()) throw new Error('disconnected');
            await bus.flush();
          });
          return bus;
        },
      },
      RpcServer,
      PlatformLifecycle,
    ];
    const exports: Array<Provider | symbol | (abstract new (...a: never[]) => unknown)> = [
      ServiceIdentity,
      BASE_ENV,
      Clock,
      Metrics,
      HealthRegistry,
      MessageBus,
    ];
    if (opts.database) {
      const db = opts.database;
      providers.push(
        {
          provide: DataSource,
          inject: [BASE_ENV, HealthRegistry],
          useFactory: async (env: BaseEnv, health: HealthRegistry) => {
            const embedded = opts.embedded?.database(opts.name);
            const ds = await openServiceDatabase(
              embedded?.url ?? env.DATABASE_URL,
              {
                ...db,
                poolSize: embedded?.poolSize ?? db.poolSize ?? env.DB_POOL_SIZE,
                entities: [
                  ...(db.entities as unknown[]),
                  OutboxRow,
                ] as ServiceDatabaseOptions['entities'],
              },
              env.MIGRATIONS_RUN,
              env.MIGRATIONS_WAIT_SECONDS,
            );
            health.register('postgres', async () => {
              await ds.query('SELECT 1');
            });
            return ds;
          },
        },
        OutboxRelay,
        Outbox,
        Transactor,
      );
      exports.push(DataSource, Outbox, Transactor, OutboxRelay);
    } else {
      providers.push({ provide: DataSource, useValue: null });
    }
    return {
      module: PlatformModule,
      global: true,
      imports: [DiscoveryModule],
      controllers: opts.http === false ? [] : [HealthController, MetricsController],
      providers,
      exports,
    };
  }
}
