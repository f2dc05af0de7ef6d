import 'reflect-metadata';
import { runService } from '@parley/common';
import { IDENTITY_DATABASE, identityModule } from './app.module';

void runService({
  name: 'identity',
  module: identityModule(),
  defaultPort: 3001,
  database: IDENTITY_DATABASE,
});
