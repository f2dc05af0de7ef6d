import { ConfigError, loadConfig } from '@parley/common';
import { GatewayEnvSchema } from './gateway-env';

const BASE = { PARLEY_ADMIN_KEY: 'operator-key-0123456789' };
const load = (env: Record<string, string>) => loadConfig(GatewayEnvSchema, { ...BASE, ...env });
const problem = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the configuration was accepted');
};

describe('gateway configuration: public address and TLS', () => {
  it('leaves both unset by default, and reads an empty value as unset', () => {
    const env = load({ PUBLIC_URL: '', TLS_CERT_FILE: '', TLS_KEY_FILE: '' });
    expect(env.PUBLIC_URL).toBeUndefined();
    expect(env.TLS_CERT_FILE).toBeUndefined();
    expect(env.TLS_KEY_FILE).toBeUndefined();
  });

  it.each(['https://chat.example.com', 'https://example.com:8443/parley', 'http://10.0.0.1:3000'])(
    'accepts PUBLIC_URL %s',
    (url) => {
      expect(load({ PUBLIC_URL: url }).PUBLIC_URL).toBe(url);
    },
  );

  it.each([
    ['no scheme', 'chat.example.com'],
    ['another scheme', 'wss://chat.example.com'],
    ['a query', 'https://chat.example.com/?a=1'],
    ['a fragment', 'https://chat.example.com/#x'],
  ])('refuses a PUBLIC_URL with %s, naming it', (_case, url) => {
    expect(problem({ PUBLIC_URL: url })).toContain('PUBLIC_URL');
  });

  it('takes the certificate and the key together', () => {
    expect(load({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' })).toMatchObject({
      TLS_CERT_FILE: '/c.pem',
      TLS_KEY_FILE: '/k.pem',
    });
  });

  it.each([
    ['a certificate without a key', { TLS_CERT_FILE: '/c.pem' }, 'TLS_KEY_FILE'],
    ['a key without a certificate', { TLS_KEY_FILE: '/k.pem' }, 'TLS_CERT_FILE'],
  ])('refuses %s, naming the missing one', (_case, env, missing) => {
    expect(problem(env)).toContain(missing);
  });
});

describe('gateway configuration: TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
  ])('reads %p as %p (by default X-Forwarded-For is not believed)', (value, expected) => {
    expect(load(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY).toBe(expected);
  });
});
