import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one service (exposed on /metrics). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP requests served by the gateway, by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly rpcServed = new Histogram({
    name: 'parley_rpc_served_duration_seconds',
    help: 'RPC requests served, by subject and outcome (ok or error code)',
    labelNames: ['subject', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly outboxPublished = new Counter({
    name: 'parley_outbox_published_total',
    help: 'Events published from the transactional outbox to JetStream',
    registers: [this.registry],
  });

  readonly outboxPending = new Histogram({
    name: 'parley_outbox_batch_size',
    help: 'Rows picked per outbox relay pass',
    buckets: [1, 5, 10, 50, 100, 500],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
