import { Module } from '@nestjs/common';
import { ChargeOutcomeConsumer } from './charge-outcome.consumer';
import { ChargeOutcomeHandler } from './charge-outcome.handler';

@Module({ controllers: [ChargeOutcomeConsumer], providers: [ChargeOutcomeHandler], exports: [ChargeOutcomeHandler] })
export class ChargeOutcomeModule {}
