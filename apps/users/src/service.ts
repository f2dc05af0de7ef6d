import { ServiceSpec } from '@parley/common';
import { USERS_DATABASE, usersModule } from './app.module';

/** How the users service is run: as its own process (`main.ts`) or in the one-process mode. */
export const SERVICE: ServiceSpec = {
  name: 'users',
  module: usersModule,
  defaultPort: 3002,
  database: USERS_DATABASE,
};
