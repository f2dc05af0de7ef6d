import { Injectable } from '@nestjs/common';
import { DurableMessageMeta, rootLogger } from '@parley/common';
import { EVENTS, triggerForEvent, webhookData } from '@parley/contracts';
import { DeliveryNudge } from '../dispatch/delivery-nudge';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { EndpointTriggers } from '../endpoints/endpoint-triggers';

/** `evt.<service>.<appId>.<entity>.<pastTense>` split into its parts. */
export function parseEventSubject(
  subject: string,
): { service: string; appId: string; name: string } | null {
  const [prefix, service, appId, ...rest] = subject.split('.');
  if (prefix !== 'evt' || !service || !appId || rest.length < 2) return null;
  return { service, appId, name: rest.join('.') };
}

/**
 * Turns each event into one pending delivery per endpoint subscribed to its trigger, with the
 * body that every attempt of it sends (CometChat's envelope: `trigger`, `data`, `appId`,
 * `webhook`, plus Parley's `eventId` and `occurredAt`). Writing is all it does: sending is the
 * workers', so a slow endpoint never holds up the stream.
 */
@Injectable()
export class EventRouter {
  private readonly log = rootLogger().child({ component: 'webhook-events' });

  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly nudge: DeliveryNudge,
    private readonly triggers: EndpointTriggers,
  ) {}

  /**
   * `meta.receivedAt` dates the event's arrival: an app known to have no endpoint for its trigger
   * since before then is passed over before the event is even decoded (EndpointTriggers): `data()`
   * decodes it.
   */
  async apply(
    subject: string,
    data: () => unknown,
    meta: Pick<DurableMessageMeta, 'receivedAt'>,
  ): Promise<void> {
    const parts = parseEventSubject(subject);
    if (!parts) return;
    if (parts.service === EVENTS.identity.appDeleted.service) {
      if (parts.name === EVENTS.identity.appDeleted.name) {
        await this.endpoints.deleteApp(parts.appId);
        this.triggers.forget(parts.appId);
      }
      return;
    }
    const found = triggerForEvent(parts.service, parts.name);
    if (!found) return;
    if (!(await this.triggers.mayWant(parts.appId, found.trigger, meta.receivedAt))) return;
    const parsed = found.event.schema.safeParse(data());
    if (!parsed.success) {
      // A producer bug; retrying would not fix it, so it is logged and passed over.
      this.log.error({ subject, issues: parsed.error.issues }, 'event does not match its schema');
      return;
    }
    const event = parsed.data as Record<string, unknown> & {
      appId: string;
      eventId: string;
      occurredAt: number;
      imported?: boolean;
    };
    // Imported history (data import) is not something that happened now: no webhook.
    if (event.imported) return;
    const ids = await this.endpoints.subscribedTo(event.appId, found.trigger, event.occurredAt);
    if (!ids.length) return;
    const payload = webhookData(event);
    await this.deliveries.insertForEvent(
      event.appId,
      event.eventId,
      found.trigger,
      ids.map((endpointId) => ({
        endpointId,
        body: JSON.stringify({
          trigger: found.trigger,
          data: payload,
          appId: event.appId,
          webhook: endpointId,
          eventId: event.eventId,
          occurredAt: event.occurredAt,
        }),
      })),
    );
    this.nudge.nudge();
  }
}
