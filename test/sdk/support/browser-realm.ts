import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { webcrypto } from 'node:crypto';
import vm from 'node:vm';
import WebSocket from 'ws';

/** The SDK's module, typed by its own declarations. */
export type CometChatModule = typeof import('@cometchat/chat-sdk-javascript');

/** One browser tab: its own globals, storage and SDK singleton. */
export interface BrowserRealm {
  sdk: CometChatModule;
  /** What the SDK logged (shown when PARLEY_SDK_DEBUG is set). */
  logs: string[];
  /** The tab's localStorage, to open another tab of the same browser (a reload). */
  storage(): Array<[string, string]>;
  /** Closes the tab: its sockets and timers. */
  dispose(): void;
}

const SDK_FILE = require.resolve('@cometchat/chat-sdk-javascript');
let sdkScript: vm.Script | undefined;

/**
 * Runs CometChat's JavaScript chat SDK (a browser bundle with module-level singletons) in a fresh
 * V8 context with the browser globals it touches, so one Node process can hold several logged-in
 * clients as several browser tabs would. Everything the SDK parses is made inside its context
 * (`fetch` answers are JSON-parsed there), because it tests arrays with `instanceof Array`.
 *
 * Shims, from what the bundle reads: `window`/`self` (the context itself, with no-op event
 * listeners), `localStorage`/`sessionStorage` (in memory, per tab), `navigator`, `screen`,
 * `location`, a `document` with no elements, `crypto`, `fetch` over https trusting `ca` (Node's
 * fetch refuses the SDK's `referrer` option), and `WebSocket` from `ws` trusting `ca`.
 */
export function createBrowserRealm(opts: {
  ca: Buffer;
  origin?: string;
  /** localStorage to start with (another tab's, for a reload). */
  storage?: Array<[string, string]>;
}): BrowserRealm {
  const logs: string[] = [];
  const sockets = new Set<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();
  // After dispose the SDK's reconnect attempts find no network and no clock.
  let disposed = false;
  const debug = Boolean(process.env.PARLEY_SDK_DEBUG);
  const log =
    (level: string) =>
    (...args: unknown[]) => {
      const line = `${level} ${args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ')}`;
      logs.push(line);
      if (debug) process.stderr.write(`[sdk] ${line}\n`);
    };
  const origin = new URL(opts.origin ?? 'https://app.example.test');

  class TabWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca: opts.ca });
      if (disposed) {
        this.terminate();
        return;
      }
      sockets.add(this);
      this.on('close', () => sockets.delete(this));
      this.on('error', (err) => log('ws-error')(err.message));
    }
  }

  const host = {
    request: (
      url: string,
      init: { method?: string; headers?: Record<string, string>; body?: unknown },
    ) => {
      log('fetch')(init.method ?? 'GET', url, typeof init.body === 'string' ? init.body : '');
      return httpsRequest(url, init, opts.ca).then(
        (r) => {
          log('fetched')(r.status, r.text.slice(0, 500));
          return r;
        },
        (err: Error) => {
          log('fetch-failed')(err.message);
          throw err;
        },
      );
    },
    setTimeout: (fn: () => void, ms?: number, ...args: unknown[]) => {
      if (disposed) return undefined;
      const t = setTimeout(() => {
        timers.delete(t);
        fn(...(args as []));
      }, ms);
      timers.add(t);
      return t;
    },
    setInterval: (fn: () => void, ms?: number, ...args: unknown[]) => {
      if (disposed) return undefined;
      const t = setInterval(() => fn(...(args as [])), ms);
      timers.add(t);
      return t;
    },
    clearTimeout: (t: NodeJS.Timeout | undefined) => {
      if (!t) return;
      timers.delete(t);
      clearTimeout(t);
    },
    clearInterval: (t: NodeJS.Timeout | undefined) => {
      if (!t) return;
      timers.delete(t);
      clearInterval(t);
    },
  };

  const sandbox: Record<string, unknown> = {
    __host: host,
    console: {
      log: log('log'),
      info: log('info'),
      debug: log('debug'),
      warn: log('warn'),
      error: log('error'),
      trace: log('trace'),
    },
    setTimeout: host.setTimeout,
    setInterval: host.setInterval,
    clearTimeout: host.clearTimeout,
    clearInterval: host.clearInterval,
    queueMicrotask,
    WebSocket: TabWebSocket,
    crypto: webcrypto,
    TextEncoder,
    TextDecoder,
    URL,
    URLSearchParams,
    Blob,
    FormData,
    atob,
    btoa,
    navigator: {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) ParleyContractTests/1.0',
      platform: 'Linux x86_64',
      language: 'en-US',
      onLine: true,
    },
    screen: { width: 1280, height: 800 },
    location: {
      origin: origin.origin,
      hostname: origin.hostname,
      host: origin.host,
      href: origin.href,
      protocol: origin.protocol,
      pathname: '/',
    },
  };
  const context = vm.createContext(sandbox, { name: 'cometchat-sdk-tab' });
  vm.runInContext(BROWSER_PRELUDE, context, { filename: 'browser-prelude.js' });
  const localStorage = vm.runInContext('localStorage', context) as MemoryStorage;
  for (const [k, v] of opts.storage ?? []) localStorage.setItem(k, v);
  sdkScript ??= new vm.Script(readFileSync(SDK_FILE, 'utf8'), { filename: SDK_FILE });
  sdkScript.runInContext(context);
  const sdk = vm.runInContext('module.exports', context) as CometChatModule;

  return {
    sdk,
    logs,
    storage: () =>
      Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i) as string).map(
        (k) => [k, localStorage.getItem(k) as string],
      ),
    dispose() {
      disposed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
    },
  };
}

/**
 * Evaluated inside the tab, so that what the SDK touches belongs to its own realm: storage,
 * `document`, event listeners and the objects `fetch` answers with.
 */
const BROWSER_PRELUDE = `
'use strict';
var window = globalThis;
var self = globalThis;
var module = { exports: {} };
var exports = module.exports;

// A browser logs a promise rejection nobody handles ("Uncaught (in promise)") and carries on; Node
// would fail the test run instead. The SDK leaves some (its session telemetry, 5 s after login,
// rejects if the user has logged out by then), so the tab's promises report theirs to its log.
const NativePromise = Promise;
const nativeThen = NativePromise.prototype.then;
let marking = false;
class TabPromise extends NativePromise {
  constructor(executor) {
    super(executor);
    if (marking) return;
    marking = true;
    try {
      nativeThen.call(this, undefined, (e) => console.debug('promise rejected:', e));
    } finally {
      marking = false;
    }
  }
}
globalThis.Promise = TabPromise;

class MemoryStorage {
  constructor() { Object.defineProperty(this, '_items', { value: new Map() }); }
  get length() { return this._items.size; }
  key(i) { return Array.from(this._items.keys())[i] ?? null; }
  getItem(k) { return this._items.has(String(k)) ? this._items.get(String(k)) : null; }
  setItem(k, v) { this._items.set(String(k), String(v)); }
  removeItem(k) { this._items.delete(String(k)); }
  clear() { this._items.clear(); }
}
globalThis.localStorage = new MemoryStorage();
globalThis.sessionStorage = new MemoryStorage();

globalThis.addEventListener = function () {};
globalThis.removeEventListener = function () {};
globalThis.dispatchEvent = function () { return true; };
globalThis.matchMedia = function () { return { matches: false, addListener() {}, removeListener() {} }; };

const element = () => ({ setAttribute() {}, appendChild() {}, removeChild() {}, style: {} });
globalThis.document = {
  hasFocus: () => true,
  querySelector: () => null,
  getElementsByName: () => [],
  createElement: element,
  createTextNode: () => ({}),
  documentElement: element(),
  addEventListener() {},
  removeEventListener() {},
};

class FetchResponse {
  constructor(status, text) { this.status = status; this.ok = status >= 200 && status < 300; this._text = text; }
  json() { return Promise.resolve().then(() => JSON.parse(this._text)); }
  text() { return Promise.resolve(this._text); }
}
globalThis.fetch = function (url, init) {
  init = init || {};
  const body = typeof init.body === 'string' || init.body === undefined ? init.body : String(init.body);
  return Promise.resolve(
    __host.request(String(url), { method: init.method, headers: init.headers, body: body }),
  ).then((r) => new FetchResponse(r.status, r.text));
};
`;

/** The prelude's `MemoryStorage`, as the host sees it. */
interface MemoryStorage {
  readonly length: number;
  key(i: number): string | null;
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}

/** An https request as a browser's fetch makes it (the URL normalised, so spaces are encoded). */
function httpsRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  ca: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
    // A browser frames every body with Content-Length; Node would send a DELETE's unframed.
    const headers = { ...init.headers, ...(body && { 'content-length': String(body.length) }) };
    const req = request(new URL(url), { method: init.method ?? 'GET', headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function safeJson(v: unknown): string {
  try {
    return v instanceof Error ? `${v.name}: ${v.message}` : JSON.stringify(v);
  } catch {
    return String(v);
  }
}
