import { ServiceSpec } from '@parley/common';
import { presenceModule } from './app.module';

/** How the presence service is run: as its own process (`main.ts`) or in the one-process mode. */
export const SERVICE: ServiceSpec = {
  name: 'presence',
  module: presenceModule,
  defaultPort: 3006,
};
