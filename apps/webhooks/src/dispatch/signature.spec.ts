import { createHmac } from 'node:crypto';
import { webhookSignature } from './signature';

describe('webhookSignature', () => {
  const body = '{"trigger":"message_sent","data":{}}';

  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>" under the secret', () => {
    const expected = createHmac('sha256', 'whsec_x').update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature('whsec_x', 1700000000, body)).toBe(`v1=${expected}`);
  });

  it('changes with the secret, the timestamp and every byte of the body', () => {
    const base = webhookSignature('whsec_x', 1700000000, body);
    expect(webhookSignature('whsec_y', 1700000000, body)).not.toBe(base);
    expect(webhookSignature('whsec_x', 1700000001, body)).not.toBe(base);
    expect(webhookSignature('whsec_x', 1700000000, body.replace('{}', '{ }'))).not.toBe(base);
  });
});
