import { buildClientSettings } from './client-settings';
import { publicOriginOf } from './public-origin';

const NOW = 1_800_000_000;

/** The URLs the CometChat SDK builds from the settings, by its own concatenation rules. */
function sdkUrls(publicUrl: string | undefined, headers: Record<string, string> = {}) {
  const s = buildClientSettings(publicOriginOf(publicUrl, headers), NOW);
  return {
    settings: s,
    rest: `https://${s.CLIENT_API_HOST}/${s.CHAT_API_VERSION}/users`,
    admin: `https://${s.ADMIN_API_HOST}/${s.CHAT_API_VERSION}/users/u1/auth_tokens`,
    socket: `wss://${s.CHAT_HOST}:${s.CHAT_WSS_PORT}`,
    ping: `https://${s.ANALYTICS_HOST}/${s.ANALYTICS_VERSION}/ping`,
    onlineMembers: `https://${s.CHAT_HOST}/api/${s.WS_API_VERSION}/online-members`,
  };
}

describe('client settings', () => {
  describe('from PUBLIC_URL', () => {
    it('advertise the public host on 443 with no port in the REST hosts', () => {
      const u = sdkUrls('https://chat.example.com', { host: '10.0.0.7:3000' });
      expect(u.rest).toBe('https://chat.example.com/v3.0/users');
      expect(u.admin).toBe('https://chat.example.com/v3.0/users/u1/auth_tokens');
      expect(u.socket).toBe('wss://chat.example.com:443');
      expect(u.ping).toBe('https://chat.example.com/v3.0/ping');
      expect(u.onlineMembers).toBe('https://chat.example.com/api/v1/online-members');
    });

    it('keep a non-default port', () => {
      const u = sdkUrls('https://chat.example.com:8443/');
      expect(u.rest).toBe('https://chat.example.com:8443/v3.0/users');
      // The socket path /ws:8443 is one the gateway accepts; the counts reach the same port.
      expect(u.socket).toBe('wss://chat.example.com:8443/ws:8443');
      expect(u.onlineMembers).toBe('https://chat.example.com:8443/ws/api/v1/online-members');
    });

    it('carry a path prefix into REST, and into the socket URL as /prefix/ws:<port>', () => {
      const u = sdkUrls('https://example.com/parley/');
      expect(u.rest).toBe('https://example.com/parley/v3.0/users');
      const socket = new URL(u.socket);
      expect(socket.host).toBe('example.com'); // 443 is wss's default
      expect(socket.pathname).toBe('/parley/ws:443');
      expect(u.onlineMembers).toBe('https://example.com:443/parley/ws/api/v1/online-members');
    });

    it('take the scheme default port for an http URL', () => {
      expect(sdkUrls('http://chat.internal').settings.CHAT_WSS_PORT).toBe('80');
    });
  });

  describe('from the request', () => {
    it('use the Host with its port', () => {
      const u = sdkUrls(undefined, { host: '127.0.0.1:3443' });
      expect(u.rest).toBe('https://127.0.0.1:3443/v3.0/users');
      expect(u.socket).toBe('wss://127.0.0.1:3443/ws:3443');
    });

    it('prefer the first forwarded host, and read a port-less host as 443', () => {
      const u = sdkUrls(undefined, {
        'x-forwarded-host': 'acme.chat.example.com, proxy.lan',
        host: 'gateway:3000',
      });
      expect(u.rest).toBe('https://acme.chat.example.com/v3.0/users');
      expect(u.socket).toBe('wss://acme.chat.example.com:443');
    });

    it('keep an IPv6 host in brackets', () => {
      expect(sdkUrls(undefined, { host: '[::1]:3000' }).socket).toBe('wss://[::1]:3000/ws:3000');
    });

    it.each([
      ['no host', {}],
      ['a host with a path', { host: 'evil.com/x?' }],
      ['a host with spaces', { host: 'a b' }],
      ['a port out of range', { host: 'h:99999' }],
    ])('fall back to localhost for %s', (_case, headers: Record<string, string>) => {
      expect(sdkUrls(undefined, headers).rest).toBe('https://localhost/v3.0/users');
    });
  });

  it('turn the analytics ping off, speak v3.0 and APP_VERSION 4, allow transient frames', () => {
    const s = sdkUrls('https://chat.example.com').settings;
    expect(s).toMatchObject({
      ANALYTICS_PING_DISABLED: true,
      CHAT_API_VERSION: 'v3.0',
      APP_VERSION: '4',
      MODE: '',
      settingsHashReceivedAt: NOW,
    });
    expect(s.settingsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hash the hosts, so the hash changes when they do and only then', () => {
    const a = sdkUrls('https://a.example.com').settings.settingsHash;
    expect(sdkUrls('https://a.example.com').settings.settingsHash).toBe(a);
    expect(sdkUrls('https://b.example.com').settings.settingsHash).not.toBe(a);
  });
});
