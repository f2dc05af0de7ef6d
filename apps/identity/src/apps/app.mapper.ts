import { toSeconds } from '@parley/common';
import { App, DEFAULT_APP_LIMITS } from '@parley/contracts';
import { AppEntity } from './app.entity';

export function toApp(e: AppEntity): App {
  return {
    appId: e.appId,
    name: e.name,
    limits: { ...DEFAULT_APP_LIMITS, ...e.limits },
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
}
