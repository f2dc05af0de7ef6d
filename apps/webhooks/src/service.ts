import { ServiceSpec } from '@parley/common';
import { WEBHOOKS_DATABASE, webhooksModule } from './app.module';

/** How the webhooks service is run: as its own process (`main.ts`) or in the one-process mode. */
export const SERVICE: ServiceSpec = {
  name: 'webhooks',
  module: webhooksModule,
  defaultPort: 3005,
  database: WEBHOOKS_DATABASE,
};
