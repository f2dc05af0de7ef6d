import 'reflect-metadata';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * Boots a service's Nest module in-process, without HTTP (pass e.g. `identityModule({ http: false })`):
 * its RPC handlers serve on NATS, its relay and consumers run, its migrations are applied. The
 * caller closes it, which drains its NATS connection and closes its database.
 *
 * `abortOnError: false` so that a boot failure (no database, no NATS) fails the test with the
 * error instead of aborting the Jest worker.
 */
export async function startServiceContext(module: Type<unknown>): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(module, {
    logger: false,
    abortOnError: false,
  });
  await context.init();
  return context;
}
