import { toSeconds } from '@parley/common';
import { Delivery } from '@parley/contracts';
import { DeliveryRecord } from './delivery.entity';

export function toDelivery(d: DeliveryRecord): Delivery {
  return {
    id: d.id,
    webhook: d.endpointId,
    trigger: d.trigger,
    eventId: d.eventId,
    status: d.status,
    attempts: d.attempts,
    ...(d.status === 'pending' ? { nextAttemptAt: toSeconds(d.nextAttemptAt) } : {}),
    createdAt: toSeconds(d.createdAt),
    updatedAt: toSeconds(d.updatedAt),
    ...(d.deliveredAt ? { deliveredAt: toSeconds(d.deliveredAt) } : {}),
    attemptLog: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      attemptedAt: toSeconds(a.attemptedAt),
      durationMs: a.durationMs,
      ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
      ...(a.error !== null ? { error: a.error } : {}),
    })),
  };
}
