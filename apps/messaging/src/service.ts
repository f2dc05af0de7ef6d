import { ServiceSpec } from '@parley/common';
import { MESSAGING_DATABASE, messagingModule } from './app.module';

/** How the messaging service is run: as its own process (`main.ts`) or in the one-process mode. */
export const SERVICE: ServiceSpec = {
  name: 'messaging',
  module: messagingModule,
  defaultPort: 3004,
  database: MESSAGING_DATABASE,
};
