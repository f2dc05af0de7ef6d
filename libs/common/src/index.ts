export * from './errors/domain-error';
export * from './config/config';
export * from './logging/logger';
export * from './bus/message-bus';
export * from './bus/codec';
export * from './bus/nats-message-bus';
export * from './bus/rpc-handler.decorator';
export * from './bus/rpc-server';
export * from './db/database';
export * from './db/outbox';
export * from './db/outbox.entity';
export * from './db/sql-text';
export * from './health/health';
export * from './health/metrics';
export * from './bootstrap/clock';
export * from './bootstrap/service-identity';
export * from './bootstrap/platform.module';
export * from './bootstrap/run-service';
export * from './crypto/secrets';
export * from './http/access';
export * from './redis/redis.module';
export * from './presence/presence-reader';
export * from './redis/key-erasure';
export * from './db/app-erasure';
export * from './db/user-export';
// Of the one-process mode only the options a service module takes: the broker, the embedded
// PostgreSQL and the launcher (libs/common/src/embedded) load when the launcher requires them.
export * from './embedded/embedded-runtime';
