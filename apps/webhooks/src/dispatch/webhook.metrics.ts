import { Injectable } from '@nestjs/common';
import { Metrics } from '@parley/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DeliveryRepository } from '../deliveries/delivery.repository';

/** Webhook figures on the service's /metrics (docs/operations.md, "Monitoring"). */
@Injectable()
export class WebhookMetrics {
  readonly attempts: Counter<'outcome'>;
  readonly attemptDuration: Histogram;
  readonly deadLettered: Counter;
  readonly inFlight: Gauge;

  constructor(metrics: Metrics, deliveries: DeliveryRepository) {
    const registers = [metrics.registry];
    this.attempts = new Counter({
      name: 'parley_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome (success, failure)',
      labelNames: ['outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'parley_webhook_attempt_duration_seconds',
      help: 'Time from sending a webhook request to its answer (or the timeout)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'parley_webhook_dead_lettered_total',
      help: 'Deliveries that used up their attempts (status failed)',
      registers,
    });
    this.inFlight = new Gauge({
      name: 'parley_webhook_in_flight',
      help: 'Webhook attempts in flight in this process',
      registers,
    });
    new Gauge({
      name: 'parley_webhook_deliveries_due',
      help: 'Pending deliveries whose attempt is due (the queue depth, all replicas)',
      registers,
      async collect() {
        this.set(await deliveries.dueCount());
      },
    });
  }
}
