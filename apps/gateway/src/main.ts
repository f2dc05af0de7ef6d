import 'reflect-metadata';
import { loadConfig, runService } from '@parley/common';
import { gatewayModule } from './app.module';
import { GatewayEnvSchema } from './config/gateway-env';
import { configureHttp } from './http/configure-http';
import { readTlsFiles } from './realtime/tls-files';

void runService({
  name: 'gateway',
  module: gatewayModule(),
  defaultPort: 3000,
  configure: configureHttp,
  bodyLimit: Number(process.env.BODY_LIMIT_BYTES ?? 1024 * 1024),
  trustProxy: () => loadConfig(GatewayEnvSchema).TRUST_PROXY,
  // https and wss when TLS_CERT_FILE and TLS_KEY_FILE are set (the CometChat SDK speaks no other).
  tls: () => readTlsFiles(loadConfig(GatewayEnvSchema)),
});
