import { MessageBus } from '../bus/message-bus';

/** A service's own database in the one-process mode. */
export interface EmbeddedDatabase {
  url: string;
  /** Connections the service keeps to it at most (its pool); DB_POOL_SIZE when absent. */
  poolSize?: number;
}

/**
 * What the one-process launcher (`runEmbedded`) hands every service it boots: a connection to the
 * in-process broker and the service's own database. A service module given one keeps in memory
 * what it would keep in Redis; without one it runs on the NATS, PostgreSQL and Redis of the
 * environment.
 */
export interface EmbeddedRuntime {
  bus(service: string, defaultTimeoutMs: number): MessageBus;
  database(service: string): EmbeddedDatabase;
}

/** Options every service's module function takes. */
export interface ServiceModuleOptions {
  /** Serve /health and /metrics (off when the service runs inside another's process). */
  http?: boolean;
  /** Run in the one-process mode, on these in-process parts. */
  embedded?: EmbeddedRuntime;
}
