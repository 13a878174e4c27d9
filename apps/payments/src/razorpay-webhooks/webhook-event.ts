/**
 * Reads the few fields we act on from a Razorpay webhook body (already signature-checked).
 * Pure: returns what the event asks for, or the list of fields it lacks.
 */
export type WebhookIntent =
  | { kind: 'capture'; eventType: string; paymentId: string; orderId: string; amountPaise: number; currency: string }
  | { kind: 'failure'; eventType: string; paymentId: string; orderId: string; reason: string; errorCode?: string }
  | { kind: 'ignore'; eventType: string };

const CAPTURE_EVENTS = new Set(['payment.captured', 'order.paid']);
const RAZORPAY_ID = (prefix: string) => new RegExp(`^${prefix}_[A-Za-z0-9]{1,40}$`);

export function readWebhook(body: unknown): { ok: true; intent: WebhookIntent } | { ok: false; errors: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, errors: ['body: must be a JSON object'] };
  const { event, payload } = body as { event?: unknown; payload?: { payment?: { entity?: Record<string, unknown> } } };
  if (typeof event !== 'string' || event === '' || event.length > 100) return { ok: false, errors: ['event: must be a Razorpay event name'] };
  const isCapture = CAPTURE_EVENTS.has(event);
  if (!isCapture && event !== 'payment.failed') return { ok: true, intent: { kind: 'ignore', eventType: event } };

  const entity = payload?.payment?.entity ?? {};
  const { id, order_id: orderId, amount, currency, error_code: errorCode, error_description: errorDescription } = entity;
  const errors: string[] = [];
  if (typeof id !== 'string' || !RAZORPAY_ID('pay').test(id)) errors.push('payload.payment.entity.id: must be a Razorpay payment id');
  if (typeof orderId !== 'string' || !RAZORPAY_ID('order').test(orderId)) errors.push('payload.payment.entity.order_id: must be a Razorpay order id');
  if (isCapture) {
    if (!Number.isSafeInteger(amount) || (amount as number) <= 0) errors.push('payload.payment.entity.amount: must be a positive integer (paise)');
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) errors.push('payload.payment.entity.currency: must be a currency code');
  }
  if (errors.length > 0) return { ok: false, errors };
  if (isCapture) {
    return { ok: true, intent: { kind: 'capture', eventType: event, paymentId: id as string, orderId: orderId as string, amountPaise: amount as number, currency: currency as string } };
  }
  return {
    ok: true,
    intent: {
      kind: 'failure',
      eventType: event,
      paymentId: id as string,
      orderId: orderId as string,
      reason: typeof errorDescription === 'string' && errorDescription !== '' ? errorDescription : 'payment failed',
      ...(typeof errorCode === 'string' && errorCode !== '' ? { errorCode } : {}),
    },
  };
}
