import { Module } from '@nestjs/common';
import { RazorpayModule } from '../razorpay/razorpay.module';
import { CreateOrderController } from './create-order.controller';

@Module({ imports: [RazorpayModule], controllers: [CreateOrderController] })
export class CreateOrderModule {}
