import { AppClient, AppKeys, createApp } from '../../e2e/support/parley';
import { startTlsGateway, TlsGateway } from '../../e2e/support/tls-gateway';
import { SdkClient, SdkTarget } from './sdk-client';

/** A fresh app with users (`uid`, name `User <uid>`) created through the REST API. */
export async function appWithUsers(...uids: string[]): Promise<AppKeys> {
  const app = await createApp('SDK contract');
  const rest = AppClient.rest(app);
  for (const uid of uids) {
    const res = await rest.post('/users', { uid, name: `User ${uid}` });
    if (res.status !== 200) throw new Error(`create ${uid}: ${JSON.stringify(res.body)}`);
  }
  return app;
}

/** Where an SDK client of `app` starts: the TLS gateway, trusting its certificate. */
export function sdkTarget(app: AppKeys, tls: TlsGateway): SdkTarget {
  return { appId: app.appId, host: `127.0.0.1:${tls.port}`, ca: tls.ca };
}

/**
 * A TLS gateway for the whole test file, started before its tests and stopped after them with
 * every SDK client logged in through `login`.
 */
export function sdkGatewayForFile() {
  let tls: TlsGateway | undefined;
  const clients: SdkClient[] = [];
  beforeAll(async () => {
    tls = await startTlsGateway();
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await tls?.stop();
  });
  const gateway = (): TlsGateway => {
    if (!tls) throw new Error('the TLS gateway starts in beforeAll');
    return tls;
  };
  return {
    gateway,
    /** Where an SDK client of `app` starts on this gateway. */
    target: (app: AppKeys): SdkTarget => sdkTarget(app, gateway()),
    /** Closes `client` after the file's tests. */
    track(client: SdkClient): SdkClient {
      clients.push(client);
      return client;
    },
    /** A tab logged in as `uid` with the auth key, logged out after the file's tests. */
    async login(app: AppKeys, uid: string): Promise<SdkClient> {
      const client = await SdkClient.login(sdkTarget(app, gateway()), uid, {
        authKey: app.authKey,
      });
      clients.push(client);
      return client;
    },
  };
}
