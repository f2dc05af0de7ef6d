/**
 * A minimal client of Parley's HTTP API for the dashboard pages: JSON in and out, the `{data}`
 * envelope unwrapped, CometChat's `{error:{code,message,details}}` thrown as an ApiError.
 */

/** An error as the API answers it (or as the page words a failure to reach it). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/** The gateway's root: the pages are served from `<root>/dashboard/`. */
export function gatewayUrl(path: string): URL {
  return new URL(path.replace(/^\//, ''), new URL('..', location.href));
}

/** `/v3/users/{uid}`-style paths: each id is one escaped segment. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}

type Query = Record<string, string | number | boolean | undefined>;

/** Requests with one fixed set of credential headers. */
export class Api {
  constructor(private readonly headers: Record<string, string>) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    const url = gatewayUrl(path);
    for (const [k, v] of Object.entries(query))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return this.send<T>('GET', url);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.send<T>('POST', gatewayUrl(path), body);
  }

  put<T>(path: string, body: unknown = {}): Promise<T> {
    return this.send<T>('PUT', gatewayUrl(path), body);
  }

  /** `keepalive`: the request outlives the page (a logout sent as the tab closes). */
  delete<T>(path: string, body?: unknown, { keepalive = false } = {}): Promise<T> {
    return this.send<T>('DELETE', gatewayUrl(path), body, keepalive);
  }

  private async send<T>(method: string, url: URL, body?: unknown, keepalive = false): Promise<T> {
    const headers: Record<string, string> = { ...this.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        keepalive,
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The gateway could not be reached.');
    }
    const text = await res.text();
    let parsed: { data?: unknown; error?: { code?: string; message?: string; details?: never } };
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    if (!res.ok || parsed.error) {
      const e = parsed.error ?? {};
      throw new ApiError(
        res.status,
        e.code ?? `HTTP_${res.status}`,
        e.message ?? res.statusText ?? 'The request failed.',
        e.details,
      );
    }
    return parsed.data as T;
  }
}

/** The operator API (`/admin/...`) with the operator key. */
export const adminApi = (adminKey: string) => new Api({ 'x-admin-key': adminKey });

/** One app's REST API with its REST (fullAccess) key, acting as the app. */
export const restApi = (appId: string, restKey: string) =>
  new Api({ appid: appId, apikey: restKey });

/** One user's session: their auth token, and this page's device id so its own socket skips echoes. */
export const userApi = (appId: string, authToken: string, deviceId: string) =>
  new Api({ appid: appId, authtoken: authToken, resource: deviceId });
