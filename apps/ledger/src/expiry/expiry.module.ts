import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { PendingExpirySweeper } from './pending-expiry.sweeper';

@Module({ imports: [AccountModule], providers: [PendingExpirySweeper], exports: [PendingExpirySweeper] })
export class ExpiryModule {}
