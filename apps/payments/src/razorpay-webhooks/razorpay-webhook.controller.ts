import { BadRequestException, Controller, Headers, HttpCode, Inject, Post, RawBodyRequest, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@clinic/auth';
import { PaymentVerified } from '@clinic/contracts';
import { AppLogger } from '@clinic/observability';
import { Database, LOGGER, SERVICE_CONFIG, SqlClient, validationFailed } from '@clinic/platform';
import type { PaymentsConfig } from '../config';
import { lockOrder, logPaymentVerified, recordCapture, recordFailure } from '../payment-verification/payment-recorder';
import { isValidWebhookSignature } from '../razorpay/signatures';
import { readWebhook, WebhookIntent } from './webhook-event';

const EVENT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

interface Handled {
  outcome: string;
  detail?: string;
  /** A correctly signed event we refuse (e.g. amount mismatch): answered 400, recorded. */
  rejected?: boolean;
  verified?: PaymentVerified;
}

@Controller('webhooks')
export class RazorpayWebhookController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsConfig,
    private readonly db: Database,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /**
   * Razorpay's webhook. Signature over the raw bytes first (nothing is written for a bad one);
   * then one transaction: the receipt (dedupe by x-razorpay-event-id) and what the event does.
   * Razorpay retries on non-2xx, so only a refused event answers 4xx, and answers it again.
   */
  @Public()
  @Post('razorpay')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('x-razorpay-signature') signature: string | undefined,
    @Headers('x-razorpay-event-id') eventId: string | undefined,
  ) {
    const raw = request.rawBody;
    if (!raw || raw.length === 0) throw validationFailed(['body: must be the JSON Razorpay sent (content-type application/json)']);
    if (!signature || !isValidWebhookSignature(this.config.razorpay.webhookSecret, raw, signature)) {
      this.logger.warn({ eventId: eventId?.slice(0, 100) }, 'Razorpay webhook signature rejected');
      throw validationFailed(['x-razorpay-signature: missing or does not match the body']);
    }
    if (!eventId || !EVENT_ID.test(eventId)) throw validationFailed(['x-razorpay-event-id: required, a Razorpay event id']);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw validationFailed(['body: malformed JSON']);
    }
    const read = readWebhook(body);
    if (!read.ok) throw validationFailed(read.errors);
    const { intent } = read;

    const result = await this.db.transaction(async (tx) => {
      const paymentId = intent.kind === 'ignore' ? null : intent.paymentId;
      const orderId = intent.kind === 'ignore' ? null : intent.orderId;
      const { rows: fresh } = await tx.query(
        `INSERT INTO webhook_receipts (event_id, event_type, order_id, payment_id, outcome) VALUES ($1, $2, $3, $4, 'processing')
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [eventId, intent.eventType, orderId, paymentId],
      );
      if (fresh.length === 0) {
        const { rows } = await tx.query<{ outcome: string; detail: string | null }>('SELECT outcome, detail FROM webhook_receipts WHERE event_id = $1', [eventId]);
        const previous = rows[0];
        return { duplicate: true, outcome: previous.outcome, detail: previous.detail ?? undefined, rejected: previous.outcome.startsWith('rejected') } as Handled & { duplicate: boolean };
      }
      const handled = await this.apply(tx, intent);
      await tx.query('UPDATE webhook_receipts SET outcome = $2, detail = $3 WHERE event_id = $1', [eventId, handled.outcome, handled.detail ?? null]);
      return { ...handled, duplicate: false };
    });

    if (result.verified) logPaymentVerified(this.logger, result.verified);
    this.logger.info({ eventId, eventType: intent.eventType, outcome: result.outcome, duplicate: result.duplicate }, 'Razorpay webhook handled');
    if (result.rejected) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: result.detail ?? result.outcome, fields: ['payload.payment.entity'] });
    }
    return { received: true, outcome: result.outcome, duplicate: result.duplicate };
  }

  private async apply(tx: SqlClient, intent: WebhookIntent): Promise<Handled> {
    if (intent.kind === 'ignore') return { outcome: 'ignored_event_type' };
    const order = await lockOrder(tx, intent.orderId);
    // Orders we did not create (another integration on the same account) are none of our business.
    if (!order) return { outcome: 'ignored_unknown_order' };

    if (intent.kind === 'failure') {
      const decision = await recordFailure(tx, order, { paymentId: intent.paymentId, reason: intent.reason, errorCode: intent.errorCode });
      return { outcome: decision.kind === 'record_failure' ? 'failure_recorded' : `ignored_${decision.reason}` };
    }

    const decision = await recordCapture(tx, order, { paymentId: intent.paymentId, amountPaise: intent.amountPaise, currency: intent.currency, verifiedVia: 'webhook' });
    switch (decision.kind) {
      case 'verify':
        return { outcome: 'verified', verified: decision.payload };
      case 'already_verified':
        return { outcome: 'already_verified' };
      case 'order_paid_by_another_payment':
        // A second captured payment on one order: never credited twice; finance refunds it.
        this.logger.error({ orderId: order.orderId, paymentId: intent.paymentId, paidBy: decision.paidByPaymentId }, 'second captured payment for an already paid order: refund needed');
        return { outcome: 'anomaly_second_payment', detail: `order already paid by ${decision.paidByPaymentId}` };
      case 'mismatch':
        this.logger.warn({ orderId: order.orderId, paymentId: intent.paymentId, field: decision.field, expected: decision.expected, received: decision.received }, 'Razorpay webhook does not match the stored order');
        return { outcome: `rejected_${decision.field}_mismatch`, detail: `payload.payment.entity.${decision.field}: ${decision.received} does not match the order (${decision.expected})`, rejected: true };
    }
  }
}
