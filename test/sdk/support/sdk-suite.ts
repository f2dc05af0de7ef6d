import type { AppKeys } from '../../e2e/support/parley';
import { SdkGateway, startSdkGateway } from '../../e2e/support/tls-gateway';
import { sdkTarget } from './sdk-app';
import { SdkClient, SdkTarget } from './sdk-client';

/**
 * What a file of SDK contract tests shares: one TLS gateway (the SDK speaks only https/wss; see
 * `startSdkGateway` for the one-process platform),
 * started before its tests and stopped after them, and the SDK clients it opened, closed at the
 * end. Call it at the top level of the test file.
 */
export function sdkSuite() {
  let tls: SdkGateway | undefined;
  const clients: SdkClient[] = [];
  beforeAll(async () => {
    tls = await startSdkGateway();
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await tls?.stop();
  });
  const suite = {
    /** Where `app`'s SDK clients start. */
    target(app: AppKeys): SdkTarget {
      if (!tls) throw new Error('the TLS gateway is not started yet');
      return sdkTarget(app, tls);
    },
    /** Closes `client` at the end of the file. */
    track<T extends SdkClient>(client: T): T {
      clients.push(client);
      return client;
    },
    /** A tab logged in as `uid` with the app's auth key. */
    async login(app: AppKeys, uid: string): Promise<SdkClient> {
      return suite.track(await SdkClient.login(suite.target(app), uid, { authKey: app.authKey }));
    },
  };
  return suite;
}
