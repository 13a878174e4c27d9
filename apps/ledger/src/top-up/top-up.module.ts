import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { PaymentVerifiedHandler } from './payment-verified.handler';

@Module({ imports: [AccountModule], controllers: [PaymentVerifiedHandler] })
export class TopUpModule {}
