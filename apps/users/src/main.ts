import 'reflect-metadata';
import { runService } from '@parley/common';
import { USERS_DATABASE, usersModule } from './app.module';

void runService({
  name: 'users',
  module: usersModule(),
  defaultPort: 3002,
  database: USERS_DATABASE,
});
