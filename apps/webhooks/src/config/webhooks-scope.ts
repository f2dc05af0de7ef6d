export const WEBHOOKS_SCOPE = Symbol('WEBHOOKS_SCOPE');

/**
 * What one webhooks process handles. In production: every app, through the shared durable
 * consumers `webhooks-<stream>`. Tests that boot the service in-process beside a running platform
 * narrow it to their own app, with consumers of their own, so neither takes the other's work.
 */
export interface WebhooksScope {
  appId?: string;
  /** Prefix of the durable consumer names (default `webhooks`). */
  consumerPrefix: string;
}
