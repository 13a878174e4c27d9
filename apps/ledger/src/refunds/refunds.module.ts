import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { DisputeApprovedHandler } from './dispute-approved.handler';

@Module({ imports: [AccountModule], controllers: [DisputeApprovedHandler] })
export class RefundsModule {}
