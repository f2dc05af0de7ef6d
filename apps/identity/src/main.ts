import 'reflect-metadata';
import { runService } from '@parley/common';
import { identityModule } from './app.module';

void runService({ name: 'identity', module: identityModule(), defaultPort: 3001 });
