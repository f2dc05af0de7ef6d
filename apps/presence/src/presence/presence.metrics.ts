import { Injectable } from '@nestjs/common';
import { Metrics } from '@parley/common';
import { Counter } from 'prom-client';

/** The presence service's own figures, on its /metrics beside the common ones. */
@Injectable()
export class PresenceMetrics {
  readonly changes: Counter<'action'>;
  readonly gatewaysExpired: Counter;

  constructor(metrics: Metrics) {
    this.changes = new Counter({
      name: 'parley_presence_changes_total',
      help: 'Users who came online or went offline, by action',
      labelNames: ['action'],
      registers: [metrics.registry],
    });
    this.gatewaysExpired = new Counter({
      name: 'parley_presence_gateways_expired_total',
      help: 'Gateways whose heartbeat stopped; their sockets were closed',
      registers: [metrics.registry],
    });
  }
}
