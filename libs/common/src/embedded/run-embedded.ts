import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { STREAMS } from '@parley/contracts';
import path from 'node:path';
import { createServiceApp, ServiceSpec } from '../bootstrap/run-service';
import { PinoNestLogger, rootLogger } from '../logging/logger';
import { EmbeddedDatabase, EmbeddedRuntime } from './embedded-runtime';
import { InProcessBroker } from './in-process-broker';
import { InProcessMessageBus } from './in-process-message-bus';
import { NatsProtocolServer, serveNatsProtocol } from './nats-protocol-server';

/** A service's database as the launcher opened it; `stop` once the service has closed. */
export interface OpenedDatabase extends EmbeddedDatabase {
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Every service, in start order (the gateway, serving clients, last). */
  services: readonly ServiceSpec[];
  /** Where the streams (and, by the default `openDatabase`, the databases) are kept. */
  dataDir: string;
  /** Port (0: any free one) and address the client-serving service listens on. */
  port: number;
  host?: string;
  /** Opens the database of one service (each service has its own). */
  openDatabase(service: string): Promise<OpenedDatabase>;
  /** Told each step of the start, for the console. */
  onProgress?: (step: string) => void;
  /**
   * Also serve the broker's core subjects over the NATS protocol on 127.0.0.1:`natsPort` (0: any
   * free port), for NATS clients that watch or feed the bus (`nats sub`, the e2e tests).
   */
  natsPort?: number;
}

export interface EmbeddedPlatform {
  /** The address clients use (the gateway's). */
  url: string;
  /** `nats://` address of the broker, when `natsPort` was given. */
  natsUrl?: string;
  /** Closes every service, then the broker and the databases. */
  stop(): Promise<void>;
}

/**
 * The one-process mode (ARCHITECTURE.md §9): every service in this process, on one in-process
 * broker whose streams are kept under `<dataDir>/streams`, each with its own database, presence
 * and rate limits in memory. Only the client-serving service listens.
 */
export async function runEmbedded(opts: EmbeddedOptions): Promise<EmbeddedPlatform> {
  const progress = opts.onProgress ?? (() => undefined);
  const broker = new InProcessBroker(path.join(opts.dataDir, 'streams'));
  broker.ensureStreams(STREAMS);
  const databases = new Map<string, OpenedDatabase>();
  const running: INestApplicationContext[] = [];
  let nats: NatsProtocolServer | undefined;
  const stop = async () => {
    for (const app of running.reverse()) await app.close();
    running.length = 0;
    await nats?.stop();
    broker.close();
    for (const db of databases.values()) await db.stop();
    databases.clear();
  };
  const runtime: EmbeddedRuntime = {
    bus: (service, timeoutMs) =>
      new InProcessMessageBus(broker, timeoutMs, rootLogger().child({ component: 'bus', service })),
    database: (service) => {
      const db = databases.get(service);
      if (!db) throw new Error(`${service}: no database opened`);
      return db;
    },
  };
  let url = '';
  try {
    if (opts.natsPort !== undefined) nats = await serveNatsProtocol(broker, opts.natsPort);
    // One after another: embedded databases are not safe to create side by side in one process.
    for (const spec of opts.services.filter((s) => s.database)) {
      progress(`opening the ${spec.name} database`);
      databases.set(spec.name, await opts.openDatabase(spec.name));
    }
    for (const spec of opts.services) {
      progress(`starting ${spec.name}`);
      if (spec.servesClients) {
        const app = await createServiceApp(spec, { embedded: runtime });
        running.push(app);
        await app.listen(opts.port, opts.host ?? '0.0.0.0');
        const address = app.getHttpServer().address();
        const port = typeof address === 'object' && address ? address.port : opts.port;
        url = `${spec.tls?.() ? 'https' : 'http'}://127.0.0.1:${port}`;
      } else {
        const app = await NestFactory.createApplicationContext(
          spec.module({ http: false, embedded: runtime }),
          { logger: new PinoNestLogger(), abortOnError: false },
        );
        running.push(app);
        await app.init();
      }
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { url, natsUrl: nats?.url, stop };
}
