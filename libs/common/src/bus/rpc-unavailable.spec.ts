import { isUnavailable } from './rpc-server';

describe('isUnavailable', () => {
  it('recognises a database out of reach: too many clients, shutdown, connection exceptions, sockets', () => {
    for (const code of [
      '53300',
      '57P01',
      '57P03',
      '08006',
      '08001',
      'ECONNREFUSED',
      'ECONNRESET',
    ]) {
      expect([code, isUnavailable(Object.assign(new Error('x'), { code }))]).toEqual([code, true]);
    }
  });

  it('leaves bugs and constraint violations as they are', () => {
    for (const err of [
      new Error('bug'),
      Object.assign(new Error('dup'), { code: '23505' }),
      null,
      'text',
    ]) {
      expect(isUnavailable(err)).toBe(false);
    }
  });
});
