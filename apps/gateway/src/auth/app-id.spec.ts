import type { IncomingHttpHeaders } from 'node:http';
import { appIdFrom } from './app-id';

describe('appIdFrom', () => {
  describe('the appid header', () => {
    it('wins over the host sub-domain', () => {
      expect(appIdFrom({ appid: 'header-app', host: 'host-app.chat.example.com' })).toBe(
        'header-app',
      );
    });

    it('is trimmed and lower-cased', () => {
      expect(appIdFrom({ appid: '  MyApp  ' })).toBe('myapp');
    });

    it('takes the first of repeated values', () => {
      const headers = { appid: ['first', 'second'] } as unknown as IncomingHttpHeaders;
      expect(appIdFrom(headers)).toBe('first');
    });

    it('falls back to the host when blank', () => {
      expect(appIdFrom({ appid: '   ', host: 'acme.chat.example.com' })).toBe('acme');
    });
  });

  describe('the host sub-domain', () => {
    it.each([
      ['acme.chat.example.com', 'acme'],
      ['acme.example.com', 'acme'],
      ['ACME.Chat.Example.COM', 'acme'],
      ['acme.chat.example.com:8443', 'acme'],
      ['my-app_1.api.example.com:80', 'my-app_1'],
    ])('reads %s as %s', (host, appId) => {
      expect(appIdFrom({ host })).toBe(appId);
    });

    it('prefers the first x-forwarded-host (set by the ingress) over host', () => {
      expect(
        appIdFrom({
          'x-forwarded-host': 'acme.chat.example.com, proxy.internal.lan',
          host: 'localhost:3000',
        }),
      ).toBe('acme');
    });

    it.each([
      ['an IPv4 address', '127.0.0.1'],
      ['an IPv4 address with a port', '10.0.0.12:3000'],
      ['an IPv6 address', '[::1]:3000'],
      ['localhost', 'localhost'],
      ['localhost with a port', 'localhost:3000'],
      ['a two-label host', 'example.com'],
      ['a two-label host with a port', 'example.com:443'],
    ])('gives nothing for %s (%s)', (_case, host) => {
      expect(appIdFrom({ host })).toBeUndefined();
    });

    it('gives nothing without a host or header', () => {
      expect(appIdFrom({})).toBeUndefined();
    });
  });
});
