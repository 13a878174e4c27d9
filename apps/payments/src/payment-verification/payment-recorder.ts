import { createHash } from 'crypto';
import { createEvent, PaymentVerified } from '@clinic/contracts';
import { appendToOutbox } from '@clinic/messaging';
import { AppLogger, currentCorrelationId } from '@clinic/observability';
import type { SqlClient } from '@clinic/platform';
import { CaptureClaim, decideFailure, decideVerification, FailureClaim, FailureDecision, OrderState, VerificationDecision } from './decide';

const PRODUCER = 'payments';

/**
 * A name-based UUID (v5 layout over SHA-256) so the PaymentVerified of one payment always has the
 * same eventId: a second insert would be a no-op in the outbox too, behind the payments unique key.
 */
export function paymentVerifiedEventId(paymentId: string): string {
  const bytes = createHash('sha256').update(`payments:PaymentVerified:${paymentId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface OrderRow {
  order_id: string;
  clinic_id: string;
  credits: number;
  amount_paise: number;
  currency: string;
  status: OrderState['status'];
}

/**
 * Locks the order row for the rest of the transaction, so checkout and webhooks take turns.
 * The payment is read by a second statement on purpose: under READ COMMITTED a statement that
 * waited for the lock still sees its joined tables as of its own start, so a join would miss the
 * payment the previous lock holder just committed.
 */
export async function lockOrder(tx: SqlClient, orderId: string): Promise<OrderState | null> {
  const { rows } = await tx.query<OrderRow>(
    `SELECT order_id, clinic_id, credits, amount_paise, currency, status FROM orders WHERE order_id = $1 FOR UPDATE`,
    [orderId],
  );
  const row = rows[0];
  if (!row) return null;
  const { rows: paid } = await tx.query<{ payment_id: string }>('SELECT payment_id FROM payments WHERE order_id = $1', [orderId]);
  return {
    orderId: row.order_id,
    clinicId: row.clinic_id,
    credits: row.credits,
    amountPaise: row.amount_paise,
    currency: row.currency,
    status: row.status,
    paidByPaymentId: paid[0]?.payment_id ?? null,
  };
}

/**
 * Applies a confirmed capture to a locked order: on `verify`, the payment row, the order's paid
 * status and PaymentVerified in the outbox, all in the caller's transaction.
 */
export async function recordCapture(tx: SqlClient, order: OrderState, claim: CaptureClaim): Promise<VerificationDecision> {
  const decision = decideVerification(order, claim, new Date());
  if (decision.kind !== 'verify') return decision;
  const { payload } = decision;
  const eventId = paymentVerifiedEventId(payload.paymentId);
  await tx.query(
    `INSERT INTO payments (payment_id, order_id, clinic_id, credits, amount_paise, currency, verified_via, event_id, verified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [payload.paymentId, payload.orderId, payload.clinicId, payload.credits, payload.amountPaise, payload.currency, payload.verifiedVia, eventId, payload.verifiedAt],
  );
  await tx.query(`UPDATE orders SET status = 'paid', failure_reason = NULL, updated_at = now() WHERE order_id = $1`, [order.orderId]);
  await appendToOutbox(tx, [createEvent('PaymentVerified', payload, { producer: PRODUCER, clinicId: payload.clinicId, eventId, correlationId: currentCorrelationId() })]);
  return decision;
}

/** Records a failed attempt once per payment id, with PaymentFailed in the outbox. */
export async function recordFailure(tx: SqlClient, order: OrderState, claim: FailureClaim): Promise<FailureDecision> {
  const { rows } = await tx.query('SELECT 1 FROM failed_payments WHERE payment_id = $1', [claim.paymentId]);
  const decision = decideFailure(order, claim, rows.length > 0);
  if (decision.kind !== 'record_failure') return decision;
  const { payload } = decision;
  await tx.query(
    `INSERT INTO failed_payments (payment_id, order_id, clinic_id, reason, error_code) VALUES ($1, $2, $3, $4, $5)`,
    [claim.paymentId, order.orderId, order.clinicId, payload.reason, payload.errorCode ?? null],
  );
  if (decision.markOrderFailed) {
    await tx.query(`UPDATE orders SET status = 'failed', failure_reason = $2, updated_at = now() WHERE order_id = $1 AND status = 'created'`, [order.orderId, payload.reason]);
  }
  await appendToOutbox(tx, [createEvent('PaymentFailed', payload, { producer: PRODUCER, clinicId: order.clinicId, correlationId: currentCorrelationId() })]);
  return decision;
}

/** The business log line finance watches; call it after the transaction committed. */
export function logPaymentVerified(logger: AppLogger, payload: PaymentVerified): void {
  logger.info(
    { paymentId: payload.paymentId, orderId: payload.orderId, clinicId: payload.clinicId, credits: payload.credits, amountPaise: payload.amountPaise, verifiedVia: payload.verifiedVia },
    `Payment verified: ${payload.paymentId}, Credits ${payload.credits}`,
  );
}
