import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { RpcDef } from '@parley/contracts';
import { z } from 'zod';
import { DomainError, parseOrThrow } from '../errors/domain-error';
import { CORRELATION_HEADER, rootLogger, runWithCorrelation } from '../logging/logger';
import { Metrics } from '../health/metrics';
import { decodeJson, encodeJson, RpcReply } from './codec';
import { BusMessage, MessageBus, Subscription } from './message-bus';
import { RPC_HANDLER } from './rpc-handler.decorator';
import { ServiceIdentity } from '../bootstrap/service-identity';

/**
 * Finds every @RpcHandler method and serves it on its subject, in the queue group named after the
 * service. This is the RPC exception filter too: a DomainError becomes `{ok:false,error}`, anything
 * else is logged and answered as ERR_EXCEPTION without internals.
 */
@Injectable()
export class RpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'rpc' });
  private readonly subs: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    private readonly identity: ServiceIdentity,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap() {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const def = this.reflector.get<RpcDef<z.ZodType, z.ZodType> | undefined>(
          RPC_HANDLER,
          method,
        );
        if (!def) continue;
        const handler = (method as (p: unknown) => Promise<unknown>).bind(instance);
        this.subs.push(
          this.bus.subscribe(def.subject, (msg) => this.track(this.dispatch(def, handler, msg)), {
            queue: this.identity.name,
          }),
        );
      }
    }
  }

  /**
   * Graceful shutdown, before the bus and the database close: stop taking requests (the queue
   * group's other members get them), then finish and answer the ones in progress.
   */
  async beforeApplicationShutdown() {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async dispatch(
    def: RpcDef<z.ZodType, z.ZodType>,
    handler: (p: unknown) => Promise<unknown>,
    msg: BusMessage,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    await runWithCorrelation(msg.headers[CORRELATION_HEADER], async () => {
      let reply: RpcReply;
      try {
        const payload = parseOrThrow(def.request, decodeJson(msg.data));
        reply = { ok: true, data: await handler(payload) };
      } catch (err) {
        if (err instanceof DomainError) {
          reply = { ok: false, error: err.toBody() };
        } else if (err instanceof SyntaxError) {
          reply = {
            ok: false,
            error: new DomainError('ERR_BAD_REQUEST', 'The payload is not JSON.').toBody(),
          };
        } else if (isUnavailable(err)) {
          // The database refused or lost the connection: nothing was done; the caller may retry.
          this.log.warn({ err, subject: def.subject }, 'rpc handler could not reach a dependency');
          reply = { ok: false, error: new DomainError('ERR_SERVICE_UNAVAILABLE').toBody() };
        } else {
          this.log.error({ err, subject: def.subject }, 'rpc handler failed');
          reply = { ok: false, error: new DomainError('ERR_EXCEPTION').toBody() };
        }
      }
      msg.respond?.(encodeJson(reply));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.rpcServed.observe(
        { subject: def.subject, outcome: reply.ok ? 'ok' : reply.error.code },
        seconds,
      );
    });
  }
}

/** PostgreSQL SQLSTATE classes and socket errors that mean "could not get to the database". */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * Is this error the database (or another dependency) being out of reach rather than a bug: too
 * many connections, a server shutting down or starting, a connection exception (class 08), a
 * refused or reset socket? Such a request changed nothing (its transaction never committed).
 */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNAVAILABLE_SOCKET_CODES.has(code)
  );
}
