import 'reflect-metadata';
import { runService } from '@parley/common';
import { MESSAGING_DATABASE, messagingModule } from './app.module';

void runService({
  name: 'messaging',
  module: messagingModule(),
  defaultPort: 3004,
  database: MESSAGING_DATABASE,
});
