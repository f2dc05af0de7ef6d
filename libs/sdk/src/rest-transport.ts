import { Backoff, BackoffOptions, sleep } from './backoff';

/** A refusal from Parley (`{"error":{"code":"ERR_…","message":…}}`) or a transport failure. */
export class ParleyError extends Error {
  constructor(
    /** CometChat's code (`ERR_UID_NOT_FOUND`, ...), or `ERR_NETWORK` when no reply came. */
    readonly code: string,
    message: string,
    /** The HTTP status; 0 when no reply came. */
    readonly status: number,
    readonly details?: unknown,
    /** How long the server asked to wait before trying again (`Retry-After`, for a 429). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ParleyError';
  }

  /** Worth another try: no reply, a rate limit, or the server failing (not a refusal). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** `fetch` as the SDK uses it: the global one, or one the application passes in. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type Credential =
  { apiKey: string; onBehalfOf?: string } | { authToken: string } | Record<string, never>;

export interface RestTransportOptions {
  /** The gateway's address, e.g. `https://chat.example.com` (no `/v3`). */
  baseUrl: string;
  appId: string;
  fetch?: FetchLike;
  /** Retries of requests that are safe to repeat (reads, and sends carrying a `muid`). */
  retry?: BackoffOptions & { attempts?: number };
}

export type Query = Record<string, string | number | boolean | undefined | string[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  credential?: Credential;
  /** Session id sent as `resource`: frames this request causes skip that session's socket. */
  resource?: string;
  /** Repeat on a retryable failure (only for requests whose repeat changes nothing more). */
  idempotent?: boolean;
}

/** `{data, meta}` as Parley answers. */
export interface Envelope<T> {
  data: T;
  meta?: Record<string, unknown>;
}

/** JSON over HTTP to one app on one gateway, with CometChat's envelope and error shape. */
export class RestTransport {
  private readonly fetchFn: FetchLike;
  private readonly baseUrl: string;

  constructor(private readonly options: RestTransportOptions) {
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (!fetchFn) throw new Error('no fetch: pass one in the options');
    this.fetchFn = fetchFn.bind(globalThis) as FetchLike;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get appId(): string {
    return this.options.appId;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Envelope<T>> {
    const attempts = opts.idempotent ? (this.options.retry?.attempts ?? 5) : 1;
    const backoff = new Backoff({ initialMs: 200, maxMs: 3000, ...this.options.retry });
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, opts);
      } catch (err) {
        if (!(err instanceof ParleyError) || !err.retryable || attempt >= attempts) throw err;
        await sleep(Math.max(backoff.next(), err.retryAfterMs ?? 0));
      }
    }
  }

  private async once<T>(method: string, path: string, opts: RequestOptions): Promise<Envelope<T>> {
    const headers: Record<string, string> = {
      appid: this.options.appId,
      accept: 'application/json',
    };
    for (const [k, v] of Object.entries(opts.credential ?? {})) {
      if (v !== undefined) headers[k.toLowerCase()] = String(v);
    }
    if (opts.resource) headers.resource = opts.resource;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}${queryString(opts.query)}`, {
        method,
        headers,
        body,
      });
    } catch (err) {
      throw new ParleyError('ERR_NETWORK', `no reply: ${(err as Error).message}`, 0);
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const obj = (parsed ?? {}) as { data?: T; meta?: Record<string, unknown>; error?: unknown };
    if (res.ok && obj.data !== undefined) return { data: obj.data, meta: obj.meta };
    const error = (obj.error ?? {}) as { code?: string; message?: string; details?: unknown };
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ParleyError(
      error.code ?? `HTTP_${res.status}`,
      error.message ?? `${method} ${path}: HTTP ${res.status}`,
      res.status,
      error.details,
      retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Path segment for an id given by the application. */
export const seg = (id: string | number): string => encodeURIComponent(String(id));
