import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { LeadCreatedHandler } from './lead-created.handler';

@Module({ imports: [AccountModule], controllers: [LeadCreatedHandler] })
export class ChargingModule {}
