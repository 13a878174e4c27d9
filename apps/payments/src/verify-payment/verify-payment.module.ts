import { Module } from '@nestjs/common';
import { RazorpayModule } from '../razorpay/razorpay.module';
import { VerifyPaymentController } from './verify-payment.controller';

@Module({ imports: [RazorpayModule], controllers: [VerifyPaymentController] })
export class VerifyPaymentModule {}
