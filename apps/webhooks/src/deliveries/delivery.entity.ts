import { DeliveryStatus } from '@parley/contracts';

/** A delivery claimed by a worker for one attempt (see DeliveryRepository.claim). */
export interface ClaimedDelivery {
  id: string;
  appId: string;
  endpointId: string;
  trigger: string;
  body: string;
  /** This attempt's number, from 1 (since creation or the last redelivery). */
  attempt: number;
  /** Proves the claim is still this worker's when it records the outcome. */
  claimToken: string;
  url: string;
  signingSecret: string;
  basicAuth: { username: string; password: string } | null;
}

/** One attempt's outcome. */
export interface AttemptOutcome {
  attemptedAt: Date;
  durationMs: number;
  statusCode?: number;
  error?: string;
  ok: boolean;
}

/** A delivery with its latest attempts, for the log (rows of `webhooks.deliveries`). */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  trigger: string;
  eventId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
  attemptLog: Array<{
    attempt: number;
    attemptedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
  }>;
}
