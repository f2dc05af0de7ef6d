import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '../config/config';
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
}

/** Build a service's Nest application on Fastify, without listening. */
export async function createServiceApp(spec: ServiceSpec): Promise<NestFastifyApplication> {
  const tls = spec.tls?.();
  const app = await NestFactory.create<NestFastifyApplication>(
    spec.module,
    new FastifyAdapter({
      bodyLimit: spec.bodyLimit ?? 1024 * 1024,
      trustProxy: true,
      ...(tls ? { https: tls } : {}),
    }),
    // Fastify's own JSON parser stays (the gateway replaces it with a lenient one in `configure`).
    { logger: new PinoNestLogger(), abortOnError: false, bodyParser: false },
  );
  await spec.configure?.(app);
  return app;
}

/**
 * A service's `main`: build, listen on PORT, shut down gracefully on SIGTERM/SIGINT. A bad
 * configuration prints one line and exits with status 1.
 */
export async function runService(spec: ServiceSpec): Promise<INestApplication> {
  process.env.SERVICE_NAME ??= spec.name;
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
