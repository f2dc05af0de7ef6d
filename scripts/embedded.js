#!/usr/bin/env node
// Runs Parley in the one-process mode from dist/ (built already) with the environment it is given:
// DATA_DIR for its streams and databases, PORT for the gateway (0: a free one), EMBEDDED_NATS_PORT
// to also serve the bus over the NATS protocol (0: a free port). Prints one JSON line
// {"gatewayUrls": [...], "natsUrl": ...} once the gateway serves; SIGTERM or SIGINT stops it.
// `npm start` does the same after building; the end-to-end tests of the one-process mode start Parley with this.
'use strict';
const path = require('node:path');
const { startEmbedded, root } = require('./platform.js');

(async () => {
  const platform = await startEmbedded({
    env: {},
    dataDir: path.resolve(root, process.env.DATA_DIR ?? 'data'),
    gatewayPort: Number(process.env.PORT ?? 3000),
    natsPort: process.env.EMBEDDED_NATS_PORT ? Number(process.env.EMBEDDED_NATS_PORT) : undefined,
  });
  const { gatewayUrls, natsUrl } = platform;
  process.stdout.write(`${JSON.stringify({ gatewayUrls, natsUrl })}\n`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      platform.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
})().catch((err) => {
  console.error('parley: failed to start:', err?.stack ?? err);
  process.exit(1);
});
