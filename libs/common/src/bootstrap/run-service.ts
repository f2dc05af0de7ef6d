import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { BaseEnvSchema, ConfigError, loadConfig } from '../config/config';
import { openServiceDatabase, ServiceDatabaseOptions } from '../db/database';
import { PinoNestLogger, rootLogger } from '../logging/logger';

export interface ServiceSpec {
  name: string;
  module: Type<unknown>;
  defaultPort: number;
  /** Extra HTTP setup (the gateway's body limits, CORS, filters). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /** Fastify options (body limit etc.). */
  bodyLimit?: number;
  /**
   * TLS key and certificate when the service serves https itself (the gateway, for wss); read at
   * boot, where a ConfigError stops the process with one line.
   */
  tls?: () => { key: Buffer; cert: Buffer } | undefined;
  /**
   * Which proxies' `X-Forwarded-For` gives the client's address (`request.ip`), as Fastify's
   * `trustProxy` takes it; absent: none, the peer's address is the client's.
   */
  trustProxy?: () => boolean | number | string;
  /** The service's schema and migrations, for `main.js migrate`; absent for services with none. */
  database?: ServiceDatabaseOptions;
}

/** Build a service's Nest application on Fastify, without listening. */
export async function createServiceApp(spec: ServiceSpec): Promise<NestFastifyApplication> {
  const tls = spec.tls?.();
  const app = await NestFactory.create<NestFastifyApplication>(
    spec.module,
    new FastifyAdapter({
      bodyLimit: spec.bodyLimit ?? 1024 * 1024,
      trustProxy: spec.trustProxy?.() ?? false,
      ...(tls ? { https: tls } : {}),
    }),
    // Fastify's own JSON parser stays (the gateway replaces it with a lenient one in `configure`).
    { logger: new PinoNestLogger(), abortOnError: false, bodyParser: false },
  );
  await spec.configure?.(app);
  closeIdleConnectionsWhileClosing(app);
  return app;
}

/**
 * A graceful stop ends as soon as the requests in flight are answered. Fastify's close stops
 * listening and closes the keep-alive connections idle at that moment, but a connection whose
 * request was in flight goes idle afterwards and would be kept until the keep-alive timeout
 * (72 s), holding the process (and a rolling restart) that long: while closing, idle
 * connections are closed as they appear.
 */
function closeIdleConnectionsWhileClosing(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preClose', (done) => {
    const server = fastify.server;
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
    done();
  });
}

/**
 * `node dist/apps/<service>/main.js migrate`: apply the service's pending migrations under the
 * schema's advisory lock, then exit (0 when done or when the service has no schema, 1 on
 * failure). This is what the migrations Job and the compose `migrate` step run for every app.
 */
export async function migrateOnly(spec: ServiceSpec): Promise<number> {
  const log = rootLogger();
  if (!spec.database) {
    log.info(`${spec.name} has no database schema: nothing to migrate`);
    return 0;
  }
  try {
    const env = loadConfig(BaseEnvSchema);
    const ds = await openServiceDatabase(env.DATABASE_URL, spec.database, true);
    await ds.destroy();
    log.info({ schema: spec.database.schema }, `${spec.name} migrations are up to date`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${spec.name}: ${err.message}\n`);
    else log.fatal({ err }, `${spec.name} migrations failed`);
    return 1;
  }
}

/**
 * A service's `main`: build, listen on PORT, shut down gracefully on SIGTERM/SIGINT. A bad
 * configuration prints one line and exits with status 1. With the argument `migrate` it only
 * migrates (`migrateOnly`).
 */
export async function runService(spec: ServiceSpec): Promise<INestApplication | undefined> {
  process.env.SERVICE_NAME ??= spec.name;
  if (process.argv[2] === 'migrate') process.exit(await migrateOnly(spec));
  const log = rootLogger();
  try {
    const app = await createServiceApp(spec);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    const port = Number(process.env.PORT ?? spec.defaultPort);
    await app.listen(port, process.env.HOST ?? '0.0.0.0');
    log.info({ port }, `${spec.name} listening`);
    return app;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${spec.name}: ${err.message}\n`);
    } else {
      log.fatal({ err }, `${spec.name} failed to start`);
    }
    process.exit(1);
  }
}
