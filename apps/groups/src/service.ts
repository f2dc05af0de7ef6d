import { ServiceSpec } from '@parley/common';
import { GROUPS_DATABASE, groupsModule } from './app.module';

/** How the groups service is run: as its own process (`main.ts`) or in the one-process mode. */
export const SERVICE: ServiceSpec = {
  name: 'groups',
  module: groupsModule,
  defaultPort: 3003,
  database: GROUPS_DATABASE,
};
