import { Injectable } from '@nestjs/common';

/**
 * Wakes this process's delivery worker when deliveries became due here (an event was written, a
 * delivery redelivered), so it does not wait for its next poll. Other replicas find them by polling.
 */
@Injectable()
export class DeliveryNudge {
  private readonly listeners = new Set<() => void>();

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  nudge(): void {
    for (const listener of this.listeners) listener();
  }
}
