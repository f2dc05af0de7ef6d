import { ServiceSpec } from '@parley/common';
import { IDENTITY_DATABASE, identityModule } from './app.module';

/** How the identity service is run: as its own process (`main.ts`) or in the one-process mode. */
export const SERVICE: ServiceSpec = {
  name: 'identity',
  module: identityModule,
  defaultPort: 3001,
  database: IDENTITY_DATABASE,
};
