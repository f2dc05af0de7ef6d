import 'reflect-metadata';
import { runService } from '@parley/common';
import { presenceModule } from './app.module';

void runService({ name: 'presence', module: presenceModule(), defaultPort: 3006 });
