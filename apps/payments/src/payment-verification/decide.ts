import { PaymentFailed, PaymentVerified } from '@clinic/contracts';

/**
 * Pure decisions on a stored order when Razorpay says a payment succeeded or failed. The same
 * rules serve the checkout verify call and the webhooks, so every path credits a payment once.
 */
export interface OrderState {
  orderId: string;
  clinicId: string;
  credits: number;
  amountPaise: number;
  currency: string;
  status: 'created' | 'paid' | 'failed';
  /** The payment already verified for this order, if any. */
  paidByPaymentId: string | null;
}

export interface CaptureClaim {
  paymentId: string;
  /** As Razorpay reports them; checked against the stored order. */
  amountPaise: number;
  currency: string;
  verifiedVia: 'checkout' | 'webhook';
}

export type VerificationDecision =
  | { kind: 'verify'; payload: PaymentVerified }
  | { kind: 'already_verified' }
  | { kind: 'order_paid_by_another_payment'; paidByPaymentId: string }
  | { kind: 'mismatch'; field: 'amount' | 'currency'; expected: number | string; received: number | string };

export function decideVerification(order: OrderState, claim: CaptureClaim, now: Date): VerificationDecision {
  if (order.paidByPaymentId === claim.paymentId) return { kind: 'already_verified' };
  if (order.paidByPaymentId !== null) return { kind: 'order_paid_by_another_payment', paidByPaymentId: order.paidByPaymentId };
  if (claim.amountPaise !== order.amountPaise) return { kind: 'mismatch', field: 'amount', expected: order.amountPaise, received: claim.amountPaise };
  if (claim.currency !== order.currency) return { kind: 'mismatch', field: 'currency', expected: order.currency, received: claim.currency };
  return {
    kind: 'verify',
    payload: {
      paymentId: claim.paymentId,
      orderId: order.orderId,
      clinicId: order.clinicId,
      // Credits always come from our stored order, never from what Razorpay or the client says.
      credits: order.credits,
      amountPaise: order.amountPaise,
      currency: 'INR',
      verifiedVia: claim.verifiedVia,
      verifiedAt: now.toISOString(),
    },
  };
}

export interface FailureClaim {
  paymentId: string;
  reason: string;
  errorCode?: string;
}

export type FailureDecision =
  | { kind: 'record_failure'; payload: PaymentFailed; markOrderFailed: boolean }
  | { kind: 'ignore'; reason: 'already_recorded' | 'payment_verified' };

/**
 * A failed attempt is recorded once per payment id. The order is marked failed only while it is
 * unpaid: a paid order stays paid, whatever arrives late.
 */
export function decideFailure(order: OrderState, claim: FailureClaim, alreadyRecorded: boolean): FailureDecision {
  if (alreadyRecorded) return { kind: 'ignore', reason: 'already_recorded' };
  if (order.paidByPaymentId === claim.paymentId) return { kind: 'ignore', reason: 'payment_verified' };
  return {
    kind: 'record_failure',
    markOrderFailed: order.status === 'created',
    payload: {
      paymentId: claim.paymentId,
      orderId: order.orderId,
      clinicId: order.clinicId,
      reason: claim.reason.slice(0, 500),
      ...(claim.errorCode ? { errorCode: claim.errorCode.slice(0, 100) } : {}),
    },
  };
}
