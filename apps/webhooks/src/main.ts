import 'reflect-metadata';
import { runService } from '@parley/common';
import { webhooksModule } from './app.module';

void runService({ name: 'webhooks', module: webhooksModule(), defaultPort: 3005 });
