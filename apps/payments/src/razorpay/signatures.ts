import { createHmac, timingSafeEqual } from 'crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Constant-time comparison of a received hex signature with the expected one (length-checked first). */
function matches(expectedHex: string, receivedHex: string): boolean {
  if (!HEX_SHA256.test(receivedHex)) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  const received = Buffer.from(receivedHex, 'hex');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** Checkout: HMAC-SHA256(key_secret, `${order_id}|${payment_id}`) as hex. */
export function checkoutSignature(keySecret: string, orderId: string, paymentId: string): string {
  return createHmac('sha256', keySecret).update(`${orderId}|${paymentId}`).digest('hex');
}

export function isValidCheckoutSignature(keySecret: string, orderId: string, paymentId: string, signature: string): boolean {
  return matches(checkoutSignature(keySecret, orderId, paymentId), signature);
}

/** Webhook: HMAC-SHA256(webhook_secret, raw body bytes) as hex; never over re-serialised JSON. */
export function webhookSignature(webhookSecret: string, rawBody: Buffer): string {
  return createHmac('sha256', webhookSecret).update(rawBody).digest('hex');
}

export function isValidWebhookSignature(webhookSecret: string, rawBody: Buffer, signature: string): boolean {
  return matches(webhookSignature(webhookSecret, rawBody), signature);
}
