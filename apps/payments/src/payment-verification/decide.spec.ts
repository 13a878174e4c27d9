import { CaptureClaim, decideFailure, decideVerification, OrderState } from './decide';

const now = new Date('2026-01-02T03:04:05.000Z');
const order = (overrides: Partial<OrderState> = {}): OrderState => ({
  orderId: 'order_A',
  clinicId: 'clinic-1',
  credits: 21_000,
  amountPaise: 2_000_000,
  currency: 'INR',
  status: 'created',
  paidByPaymentId: null,
  ...overrides,
});
const capture = (overrides: Partial<CaptureClaim> = {}): CaptureClaim => ({ paymentId: 'pay_1', amountPaise: 2_000_000, currency: 'INR', verifiedVia: 'checkout', ...overrides });

describe('decideVerification', () => {
  it('given an unpaid order, when Razorpay confirms the exact amount, then PaymentVerified carries the stored credits', () => {
    expect(decideVerification(order(), capture(), now)).toEqual({
      kind: 'verify',
      payload: { paymentId: 'pay_1', orderId: 'order_A', clinicId: 'clinic-1', credits: 21_000, amountPaise: 2_000_000, currency: 'INR', verifiedVia: 'checkout', verifiedAt: now.toISOString() },
    });
  });

  it('given an order whose earlier attempt failed, when a later payment is captured, then it is verified', () => {
    expect(decideVerification(order({ status: 'failed' }), capture({ verifiedVia: 'webhook' }), now).kind).toBe('verify');
  });

  it('given the same payment already verified, when it is confirmed again, then nothing new happens', () => {
    expect(decideVerification(order({ status: 'paid', paidByPaymentId: 'pay_1' }), capture({ verifiedVia: 'webhook' }), now)).toEqual({ kind: 'already_verified' });
  });

  it('given an order paid by another payment, when a second payment is confirmed, then it is refused', () => {
    expect(decideVerification(order({ status: 'paid', paidByPaymentId: 'pay_0' }), capture(), now)).toEqual({ kind: 'order_paid_by_another_payment', paidByPaymentId: 'pay_0' });
  });

  it('given an unpaid order, when the amount or currency differs, then it is a mismatch naming the field', () => {
    expect(decideVerification(order(), capture({ amountPaise: 100 }), now)).toEqual({ kind: 'mismatch', field: 'amount', expected: 2_000_000, received: 100 });
    expect(decideVerification(order(), capture({ currency: 'USD' }), now)).toEqual({ kind: 'mismatch', field: 'currency', expected: 'INR', received: 'USD' });
  });
});

describe('decideFailure', () => {
  it('given an unpaid order, when a payment fails, then PaymentFailed is recorded and the order marked failed', () => {
    expect(decideFailure(order(), { paymentId: 'pay_2', reason: 'Card declined', errorCode: 'BAD_REQUEST_ERROR' }, false)).toEqual({
      kind: 'record_failure',
      markOrderFailed: true,
      payload: { paymentId: 'pay_2', orderId: 'order_A', clinicId: 'clinic-1', reason: 'Card declined', errorCode: 'BAD_REQUEST_ERROR' },
    });
  });

  it('given a paid order, when an earlier attempt reports failure late, then it is recorded but the order stays paid', () => {
    const decision = decideFailure(order({ status: 'paid', paidByPaymentId: 'pay_1' }), { paymentId: 'pay_2', reason: 'timeout' }, false);
    expect(decision).toMatchObject({ kind: 'record_failure', markOrderFailed: false });
  });

  it('given a failure already recorded for the payment, when it arrives again, then it is ignored', () => {
    expect(decideFailure(order(), { paymentId: 'pay_2', reason: 'x' }, true)).toEqual({ kind: 'ignore', reason: 'already_recorded' });
    expect(decideFailure(order({ status: 'paid', paidByPaymentId: 'pay_1' }), { paymentId: 'pay_1', reason: 'x' }, false)).toEqual({ kind: 'ignore', reason: 'payment_verified' });
  });
});
