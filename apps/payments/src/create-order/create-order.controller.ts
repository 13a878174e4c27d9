import { BadGatewayException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'crypto';
import { CurrentPrincipal, ownClinicId, Principal, Roles } from '@clinic/auth';
import { AppLogger } from '@clinic/observability';
import { Database, LOGGER, SERVICE_CONFIG, validationFailed } from '@clinic/platform';
import type { PaymentsConfig } from '../config';
import { pricePurchase } from '../credit-packs/catalog';
import { RazorpayGateway } from '../razorpay/razorpay-gateway';
import { CreateOrderRequest, CreateOrderResponse } from './create-order.dto';

@ApiTags('checkout')
@ApiBearerAuth()
@Controller()
export class CreateOrderController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsConfig,
    private readonly db: Database,
    private readonly razorpay: RazorpayGateway,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /**
   * Prices the purchase from our catalog, creates the Razorpay order, stores it, and answers
   * what Razorpay Checkout needs. The Razorpay call comes first: an order we fail to store is
   * never paid (the browser never learns its id) and simply expires at Razorpay.
   */
  @Post('create-razorpay-order')
  @HttpCode(201)
  @Roles('clinic')
  @ApiOperation({ summary: 'Create a Razorpay order for a credit pack or a custom amount (clinic)' })
  @ApiOkResponse({ type: CreateOrderResponse })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrderRequest): Promise<CreateOrderResponse> {
    const clinicId = ownClinicId(principal);
    const priced = pricePurchase(this.config.catalog, body);
    if (!priced.ok) throw validationFailed([`${priced.field}: ${priced.reason}`]);
    const { purchase } = priced;
    // Razorpay limits receipts to 40 characters.
    const receipt = `rcpt_${randomUUID().replace(/-/g, '')}`.slice(0, 40);
    const order = await this.razorpay.createOrder({
      amountPaise: purchase.amountPaise,
      receipt,
      notes: { clinicId, packId: purchase.packId ?? 'custom', credits: String(purchase.credits) },
    });
    if (order.amount !== purchase.amountPaise || order.currency !== 'INR' || !/^order_[A-Za-z0-9]+$/.test(order.id)) {
      throw new BadGatewayException({ statusCode: 502, error: 'Bad Gateway', message: 'Razorpay answered with an order that does not match the request' });
    }
    await this.db.query(
      `INSERT INTO orders (order_id, clinic_id, pack_id, credits, amount_paise, currency, receipt, created_by)
       VALUES ($1, $2, $3, $4, $5, 'INR', $6, $7)`,
      [order.id, clinicId, purchase.packId, purchase.credits, purchase.amountPaise, receipt, principal.subject],
    );
    this.logger.info({ orderId: order.id, clinicId, packId: purchase.packId, credits: purchase.credits, amountPaise: purchase.amountPaise }, 'Razorpay order created');
    return { keyId: this.config.razorpay.keyId, orderId: order.id, amount: purchase.amountPaise, currency: 'INR', credits: purchase.credits };
  }
}
