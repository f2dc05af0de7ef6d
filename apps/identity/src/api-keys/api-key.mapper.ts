import { toSeconds } from '@parley/common';
import { ApiKey } from '@parley/contracts';
import { ApiKeyEntity } from './api-key.entity';

/** `plain` is the whole key when the caller has it (creation, or addressed by it). */
export function toApiKey(e: ApiKeyEntity, plain?: string): ApiKey {
  return {
    apiKey: plain ?? e.masked,
    name: e.name,
    scope: e.scope,
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
}
