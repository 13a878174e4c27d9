import { BadRequestException, Body, ConflictException, Controller, HttpCode, Inject, NotFoundException, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, ownClinicId, Principal, Roles } from '@clinic/auth';
import { AppLogger } from '@clinic/observability';
import { Database, LOGGER, SERVICE_CONFIG, validationFailed } from '@clinic/platform';
import type { PaymentsConfig } from '../config';
import { lockOrder, logPaymentVerified, recordCapture } from '../payment-verification/payment-recorder';
import { RazorpayGateway } from '../razorpay/razorpay-gateway';
import { isValidCheckoutSignature } from '../razorpay/signatures';
import { VerifyPaymentRequest, VerifyPaymentResponse } from './verify-payment.dto';

@ApiTags('checkout')
@ApiBearerAuth()
@Controller()
export class VerifyPaymentController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsConfig,
    private readonly db: Database,
    private readonly razorpay: RazorpayGateway,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /**
   * Checkout's success handler posts here. Order ownership, then the signature (constant time),
   * then Razorpay's own record of the payment (order, amount, currency, captured), then one
   * transaction: payment row + order paid + PaymentVerified. A repeat is answered, not re-applied.
   */
  @Post('verify-payment')
  @HttpCode(200)
  @Roles('clinic')
  @ApiOperation({ summary: 'Verify a Razorpay Checkout payment and credit the clinic once (clinic)' })
  @ApiOkResponse({ type: VerifyPaymentResponse, description: '200 verified; 202 captured not yet (credits follow with the webhook)' })
  async verify(
    @CurrentPrincipal() principal: Principal,
    @Body() body: VerifyPaymentRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<VerifyPaymentResponse> {
    const clinicId = ownClinicId(principal);
    const { razorpay_order_id: orderId, razorpay_payment_id: paymentId, razorpay_signature: signature } = body;

    const { rows } = await this.db.query<{ clinic_id: string }>('SELECT clinic_id FROM orders WHERE order_id = $1', [orderId]);
    // Another clinic's order is answered like a missing one: its existence is not theirs to learn.
    if (rows.length === 0 || rows[0].clinic_id !== clinicId) throw new NotFoundException(`razorpay_order_id: no such order for this clinic`);
    if (!isValidCheckoutSignature(this.config.razorpay.keySecret, orderId, paymentId, signature)) {
      this.logger.warn({ orderId, paymentId, clinicId }, 'checkout signature rejected');
      throw validationFailed(['razorpay_signature: does not match the order and payment']);
    }

    const { rows: verified } = await this.db.query<{ credits: number }>('SELECT credits FROM payments WHERE payment_id = $1 AND order_id = $2', [paymentId, orderId]);
    if (verified.length > 0) return { status: 'verified', orderId, paymentId, credits: verified[0].credits, alreadyVerified: true };

    const payment = await this.razorpay.fetchPayment(paymentId);
    if (payment.order_id !== orderId) throw validationFailed(['razorpay_payment_id: belongs to another order']);
    if (payment.status === 'authorized' || payment.status === 'created') {
      // Not captured yet: nothing is credited now; the payment.captured webhook will do it.
      response.status(202);
      return { status: 'pending_capture', orderId, paymentId, credits: 0, alreadyVerified: false };
    }
    if (payment.status !== 'captured') throw new BadRequestException({ statusCode: 400, message: `razorpay_payment_id: payment is ${payment.status}, not captured`, fields: ['razorpay_payment_id'] });

    const outcome = await this.db.transaction(async (tx) => {
      const order = await lockOrder(tx, orderId);
      if (!order) throw new NotFoundException('razorpay_order_id: no such order for this clinic');
      const decision = await recordCapture(tx, order, { paymentId, amountPaise: payment.amount, currency: payment.currency, verifiedVia: 'checkout' });
      return { order, decision };
    });

    const { order, decision } = outcome;
    switch (decision.kind) {
      case 'verify':
        logPaymentVerified(this.logger, decision.payload);
        return { status: 'verified', orderId, paymentId, credits: order.credits, alreadyVerified: false };
      case 'already_verified':
        return { status: 'verified', orderId, paymentId, credits: order.credits, alreadyVerified: true };
      case 'order_paid_by_another_payment':
        throw new ConflictException({ statusCode: 409, message: 'razorpay_order_id: this order was already paid by another payment', fields: ['razorpay_order_id'] });
      case 'mismatch':
        this.logger.warn({ orderId, paymentId, field: decision.field, expected: decision.expected, received: decision.received }, 'Razorpay payment does not match the stored order');
        throw validationFailed([`razorpay_payment_id: payment ${decision.field} does not match the order`]);
    }
  }
}
