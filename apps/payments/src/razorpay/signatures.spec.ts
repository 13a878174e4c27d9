import { createHmac } from 'crypto';
import { checkoutSignature, isValidCheckoutSignature, isValidWebhookSignature } from './signatures';

describe('Razorpay signatures', () => {
  const secret = 'test-key-secret-0000';

  it('accepts the checkout signature Razorpay documents: hex HMAC-SHA256 of order_id|payment_id', () => {
    const signature = createHmac('sha256', secret).update('order_A|pay_B').digest('hex');
    expect(checkoutSignature(secret, 'order_A', 'pay_B')).toBe(signature);
    expect(isValidCheckoutSignature(secret, 'order_A', 'pay_B', signature)).toBe(true);
  });

  it('refuses a signature for another order or payment, a tampered one, a wrong length or non-hex', () => {
    const signature = checkoutSignature(secret, 'order_A', 'pay_B');
    expect(isValidCheckoutSignature(secret, 'order_C', 'pay_B', signature)).toBe(false);
    expect(isValidCheckoutSignature(secret, 'order_A', 'pay_D', signature)).toBe(false);
    expect(isValidCheckoutSignature(secret, 'order_A', 'pay_B', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`)).toBe(false);
    expect(isValidCheckoutSignature(secret, 'order_A', 'pay_B', signature.slice(0, 10))).toBe(false);
    expect(isValidCheckoutSignature(secret, 'order_A', 'pay_B', 'z'.repeat(64))).toBe(false);
    expect(isValidCheckoutSignature('another-secret-value', 'order_A', 'pay_B', signature)).toBe(false);
  });

  it('verifies webhooks over the raw bytes, so re-serialised JSON does not pass', () => {
    const raw = Buffer.from('{"event":"payment.captured",  "x":1}');
    const signature = createHmac('sha256', secret).update(raw).digest('hex');
    expect(isValidWebhookSignature(secret, raw, signature)).toBe(true);
    expect(isValidWebhookSignature(secret, Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), signature)).toBe(false);
  });
});
