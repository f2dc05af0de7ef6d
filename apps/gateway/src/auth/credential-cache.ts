import { Injectable, OnApplicationBootstrap, OnApplicationShutdown, Inject } from '@nestjs/common';
import { decodeJson, MessageBus, sha256, Subscription } from '@parley/common';
import { EVENTS, Principal, RPC } from '@parley/contracts';
import { GATEWAY_ENV, GatewayEnv } from '../config/gateway-env';

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Verified credentials, cached for a few seconds per gateway. Identity publishes a revocation
 * (key deleted or narrowed, token deleted, app deleted) before it answers the request that caused
 * it, and every gateway drops that app's entries when it arrives, so a revoked credential is
 * refused on the next request whichever gateway serves it.
 */
@Injectable()
export class CredentialCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();
  private readonly subs: Subscription[] = [];
  private readonly ttlMs: number;

  constructor(
    private readonly bus: MessageBus,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
  ) {
    this.ttlMs = env.CREDENTIAL_CACHE_SECONDS * 1000;
  }

  onApplicationBootstrap() {
    const revocations = [
      EVENTS.identity.apiKeyRevoked,
      EVENTS.identity.tokenRevoked,
      EVENTS.identity.appDeleted,
    ];
    for (const def of revocations) {
      this.subs.push(
        this.bus.subscribe(def.allApps, (msg) => {
          const { appId } = decodeJson(msg.data) as { appId?: string };
          if (appId) this.dropApp(appId);
        }),
      );
    }
  }

  onApplicationShutdown() {
    for (const s of this.subs) s.unsubscribe();
  }

  async verify(
    appId: string,
    credential: { apiKey: string } | { authToken: string },
  ): Promise<Principal> {
    const key =
      'apiKey' in credential
        ? `${appId}|k|${sha256(credential.apiKey)}`
        : `${appId}|t|${sha256(credential.authToken)}`;
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && hit.expiresAt > now) return hit.principal;
    const principal = await this.bus.request(RPC.identity.verify, { appId, ...credential });
    if (this.ttlMs > 0) {
      if (this.entries.size > 100_000) this.entries.clear(); // bound memory under credential floods
      this.entries.set(key, { principal, expiresAt: now + this.ttlMs });
    }
    return principal;
  }

  private dropApp(appId: string) {
    const prefix = `${appId}|`;
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
