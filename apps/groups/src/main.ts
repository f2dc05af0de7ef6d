import 'reflect-metadata';
import { runService } from '@parley/common';
import { groupsModule } from './app.module';

void runService({ name: 'groups', module: groupsModule(), defaultPort: 3003 });
