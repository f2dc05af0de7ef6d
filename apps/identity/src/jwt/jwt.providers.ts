import { Provider } from '@nestjs/common';
import { loadConfig } from '@parley/common';
import { JwtCodec } from './jwt-codec';
import { JWT_ENV, JwtEnvSchema } from './jwt-env';
import { JwtHandler } from './jwt.handler';
import { JwtService } from './jwt.service';

/** The real-time JWT feature; PARLEY_JWT_SECRET is checked when identity boots. */
export const JWT_PROVIDERS: Provider[] = [
  { provide: JWT_ENV, useFactory: () => loadConfig(JwtEnvSchema) },
  JwtCodec,
  JwtService,
  JwtHandler,
];
