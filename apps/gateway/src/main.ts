import 'reflect-metadata';
import { runService } from '@parley/common';
import { gatewayModule } from './app.module';
import { configureHttp } from './http/configure-http';

void runService({
  name: 'gateway',
  module: gatewayModule(),
  defaultPort: 3000,
  configure: configureHttp,
  bodyLimit: Number(process.env.BODY_LIMIT_BYTES ?? 1024 * 1024),
});
