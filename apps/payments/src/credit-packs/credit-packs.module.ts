import { Module } from '@nestjs/common';
import { CreditPacksController } from './credit-packs.controller';

@Module({ controllers: [CreditPacksController] })
export class CreditPacksModule {}
