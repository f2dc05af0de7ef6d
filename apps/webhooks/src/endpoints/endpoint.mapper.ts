import { toSeconds } from '@parley/common';
import { Webhook } from '@parley/contracts';
import { EndpointEntity } from './endpoint.entity';

/** The operator's view of an endpoint: never the password. */
export function toWebhook(e: EndpointEntity): Webhook {
  return {
    id: e.id,
    name: e.name,
    webhookURL: e.url,
    triggers: e.triggers,
    useBasicAuth: e.useBasicAuth,
    ...(e.username ? { username: e.username } : {}),
    enabled: e.enabled,
    signingSecret: e.signingSecret,
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
}
