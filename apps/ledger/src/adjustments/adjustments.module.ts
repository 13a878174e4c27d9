import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { AdjustmentsController } from './adjustments.controller';

@Module({ imports: [AccountModule], controllers: [AdjustmentsController] })
export class AdjustmentsModule {}
