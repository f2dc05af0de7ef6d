import 'reflect-metadata';
import { runService } from '@parley/common';
import { usersModule } from './app.module';

void runService({ name: 'users', module: usersModule(), defaultPort: 3002 });
