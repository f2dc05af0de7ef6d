/**
 * A thin HTTP client for the end-to-end tests: the platform is reached only over its public API.
 * Each test creates its own app, so tests never share state and run in parallel.
 */
export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ErrorReply {
  error: { code: string; message: string; details?: Record<string, string[]> };
}

export const gateways = (): string[] => {
  const urls = process.env.PARLEY_E2E_GATEWAYS;
  if (!urls)
    throw new Error('PARLEY_E2E_GATEWAYS is not set: run through the e2e project (global setup)');
  return urls.split(',');
};

export const adminKey = (): string => process.env.PARLEY_E2E_ADMIN_KEY as string;

/** Whether the tests run against the one-process mode (test/e2e/embedded) rather than processes. */
export const onOneProcess = (): boolean => process.env.PARLEY_E2E_EMBEDDED === '1';

/**
 * `it` for a test that needs the platform as separate processes (it kills, starts or inspects one
 * of them); against the one-process mode the test is skipped, `reason` added to its name.
 */
export function itOnSeparateProcesses(reason: string) {
  return (name: string, fn: jest.ProvidesCallback, timeout?: number): void =>
    // Skipped only in the one-process rerun (test/e2e/embedded), which has no process of a single
    // service or gateway to kill or start; every caller names why in `reason`. The same test runs
    // in the e2e project against separate processes, in every `npm test`.
    onOneProcess() ? it.skip(`${name} (${reason})`, fn, timeout) : it(name, fn, timeout);
}

export async function http<T = unknown>(
  method: string,
  url: string,
  opts: {
    headers?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    /** Give up (reject) when no answer came within this many ms. */
    timeoutMs?: number;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const signal = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
  const res = await fetch(url, { method, headers, body, signal });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export interface AppKeys {
  appId: string;
  restKey: string;
  authKey: string;
}

let counter = 0;
/** A fresh, unique app id for one test. */
export function uniqueId(prefix = 'e2e'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export async function createApp(
  name = 'E2E app',
  gateway = gateways()[0],
  operatorKey = adminKey(),
): Promise<AppKeys> {
  const res = await http<{
    data: { appId: string; apiKeys: Array<{ apiKey: string; scope: string }> };
  }>('POST', `${gateway}/admin/apps`, {
    headers: { 'x-admin-key': operatorKey },
    body: { name, appId: uniqueId('app') },
  });
  if (res.status !== 200)
    throw new Error(`create app failed: ${res.status} ${JSON.stringify(res.body)}`);
  const keys = res.body.data.apiKeys;
  return {
    appId: res.body.data.appId,
    restKey: keys.find((k) => k.scope === 'fullAccess')!.apiKey,
    authKey: keys.find((k) => k.scope === 'authOnly')!.apiKey,
  };
}

/** A client for one app with one credential, on one gateway. */
export class AppClient {
  constructor(
    readonly appId: string,
    private readonly credential: { apikey: string; onBehalfOf?: string } | { authtoken: string },
    readonly gateway = gateways()[0],
  ) {}

  static rest(app: AppKeys, gateway?: string) {
    return new AppClient(app.appId, { apikey: app.restKey }, gateway);
  }

  static auth(app: AppKeys, gateway?: string) {
    return new AppClient(app.appId, { apikey: app.authKey }, gateway);
  }

  on(gateway: string) {
    return new AppClient(this.appId, this.credential, gateway);
  }

  headers(): Record<string, string> {
    return { appid: this.appId, ...(this.credential as Record<string, string>) };
  }

  request<T = unknown>(method: string, path: string, body?: unknown) {
    return http<T>(method, `${this.gateway}/v3${path}`, { headers: this.headers(), body });
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  delete<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('DELETE', path, body);
  }
}

/** Poll until `check` stops throwing (for effects carried by durable events). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
