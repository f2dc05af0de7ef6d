import { Injectable } from '@nestjs/common';
import { Metrics } from '@parley/common';
import { Counter, Gauge } from 'prom-client';

/** The WebSocket's figures on the gateway's /metrics. */
@Injectable()
export class RealtimeMetrics {
  readonly framesDropped: Counter<'type'>;
  readonly slowSocketsClosed: Counter;
  readonly sockets: Gauge;

  constructor(metrics: Metrics) {
    this.framesDropped = new Counter({
      name: 'parley_realtime_frames_dropped_total',
      help: 'Typing, transient and presence frames not sent to a socket that was behind, by type',
      labelNames: ['type'],
      registers: [metrics.registry],
    });
    this.slowSocketsClosed = new Counter({
      name: 'parley_realtime_slow_sockets_closed_total',
      help: 'Sockets closed (4008) because a message was due and they were too far behind',
      registers: [metrics.registry],
    });
    this.sockets = new Gauge({
      name: 'parley_realtime_sockets',
      help: 'Authenticated sockets receiving frames on this gateway',
      registers: [metrics.registry],
    });
  }
}
