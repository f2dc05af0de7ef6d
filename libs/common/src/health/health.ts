import { Controller, Get, Header, Injectable, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ServiceIdentity } from '../bootstrap/service-identity';
import { Public } from '../http/access';
import { Metrics } from './metrics';

export type HealthCheck = () => Promise<void>;

/** Readiness checks registered by the parts of a service (NATS, DB, Redis). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, { check: HealthCheck; critical: boolean }>();

  /**
   * `critical: false` reports the check's state without taking the service out of rotation (for a
   * dependency the service can do without, such as the gateway's Redis, where rate limits fail open).
   */
  register(name: string, check: HealthCheck, opts: { critical?: boolean } = {}): void {
    this.checks.set(name, { check, critical: opts.critical ?? true });
  }

  async run(timeoutMs = 2000): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      [...this.checks].map(async ([name, { check, critical }]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('timed out')), timeoutMs).unref(),
            ),
          ]);
          results[name] = 'ok';
        } catch (err) {
          if (critical) ok = false;
          results[name] = err instanceof Error ? err.message : 'failed';
        }
      }),
    );
    return { ok, checks: results };
  }
}

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly identity: ServiceIdentity,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const result = await this.registry.run();
    await reply
      .status(result.ok ? 200 : 503)
      // `service` and `pid` let a launcher check that the process answering on a port is the one it
      // started (scripts/platform.js), not another that took the port first.
      .send({
        status: result.ok ? 'ok' : 'unavailable',
        service: this.identity.name,
        pid: process.pid,
        checks: result.checks,
      });
  }
}

@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  async scrape() {
    return this.metrics.registry.metrics();
  }
}
