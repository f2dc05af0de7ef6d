import 'reflect-metadata';
import { runService } from '@parley/common';
import { GROUPS_DATABASE, groupsModule } from './app.module';

void runService({
  name: 'groups',
  module: groupsModule(),
  defaultPort: 3003,
  database: GROUPS_DATABASE,
});
