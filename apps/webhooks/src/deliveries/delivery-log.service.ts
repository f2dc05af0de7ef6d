import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import { Delivery, DeliveryStatus, Page, PageQuery, pagination } from '@parley/contracts';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { DeliveryNudge } from '../dispatch/delivery-nudge';
import { toDelivery } from './delivery.mapper';
import { DeliveryRepository } from './delivery.repository';

/** An endpoint's delivery log, and redelivery of a finished delivery. */
@Injectable()
export class DeliveryLogService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly endpoints: EndpointRepository,
    private readonly nudge: DeliveryNudge,
  ) {}

  async list(
    appId: string,
    webhookId: string,
    status: DeliveryStatus | undefined,
    page: PageQuery,
  ): Promise<Page<Delivery>> {
    const id = await this.existingEndpoint(appId, webhookId);
    const [rows, total] = await this.deliveries.list(appId, id, status, page);
    return { items: rows.map(toDelivery), pagination: pagination(total, rows.length, page) };
  }

  /** Sends a succeeded or dead-lettered delivery again: same id and body, new attempts. */
  async redeliver(appId: string, webhookId: string, deliveryId: string): Promise<Delivery> {
    const id = await this.existingEndpoint(appId, webhookId);
    const redelivered = await this.deliveries.redeliver(appId, id, deliveryId);
    if (!redelivered) {
      const found = await this.deliveries.find(appId, id, deliveryId);
      if (!found) {
        throw new DomainError(
          'ERR_WEBHOOK_DELIVERY_NOT_FOUND',
          `The delivery ${deliveryId} does not exist.`,
        );
      }
      throw new DomainError('ERR_WEBHOOK_DELIVERY_PENDING');
    }
    this.nudge.nudge();
    return toDelivery(redelivered);
  }

  private async existingEndpoint(appId: string, webhookId: string): Promise<string> {
    const id = webhookId.toLowerCase();
    if (!(await this.endpoints.find(appId, id))) {
      throw new DomainError('ERR_WEBHOOK_NOT_FOUND', `The webhook ${webhookId} does not exist.`);
    }
    return id;
  }
}
