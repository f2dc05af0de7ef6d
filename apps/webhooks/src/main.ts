import 'reflect-metadata';
import { runService } from '@parley/common';
import { WEBHOOKS_DATABASE, webhooksModule } from './app.module';

void runService({
  name: 'webhooks',
  module: webhooksModule(),
  defaultPort: 3005,
  database: WEBHOOKS_DATABASE,
});
