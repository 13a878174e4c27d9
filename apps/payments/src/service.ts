import { connectEventBus, MessagingModule } from '@clinic/messaging';
import { ServiceDefinition } from '@clinic/platform';
import { PaymentsConfig } from './config';
import { CreateOrderModule } from './create-order/create-order.module';
import { CreditPacksModule } from './credit-packs/credit-packs.module';
import { MIGRATIONS } from './migrations';
import { PaymentHistoryModule } from './payment-history/payment-history.module';
import { RazorpayWebhooksModule } from './razorpay-webhooks/razorpay-webhooks.module';
import { VerifyPaymentModule } from './verify-payment/verify-payment.module';

export const SCHEMA = 'payments';

/** Everything that makes up the payments service; main.ts runs it, tests create it in-process. */
export function paymentsService(config: PaymentsConfig): ServiceDefinition<PaymentsConfig> {
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Payments API',
    // Payments only produces (PaymentVerified, PaymentFailed): the relay, no consumer group.
    imports: [MessagingModule.forRoot({ service: 'payments' }), CreditPacksModule, CreateOrderModule, VerifyPaymentModule, RazorpayWebhooksModule, PaymentHistoryModule],
    beforeListen: (app) => connectEventBus(app),
  };
}
