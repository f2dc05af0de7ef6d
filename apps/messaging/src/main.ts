import 'reflect-metadata';
import { runService } from '@parley/common';
import { messagingModule } from './app.module';

void runService({ name: 'messaging', module: messagingModule(), defaultPort: 3004 });
