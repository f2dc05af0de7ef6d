import { AppClient, AppKeys, createApp } from '../../e2e/support/parley';
import type { SdkGateway } from '../../e2e/support/tls-gateway';
import type { SdkTarget } from './sdk-client';

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
export function sdkTarget(app: AppKeys, tls: SdkGateway): SdkTarget {
  return { appId: app.appId, host: `127.0.0.1:${tls.port}`, ca: tls.ca };
}
