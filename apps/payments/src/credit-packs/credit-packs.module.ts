import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { SERVICE_CONFIG } from '@clinic/platform';
import type { PaymentsConfig } from '../config';
import { CreditPacksController } from './credit-packs.controller';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useFactory: (config: PaymentsConfig) => [{ name: 'public', ttl: 60_000, limit: config.publicRateLimitPerMinute }],
    }),
  ],
  controllers: [CreditPacksController],
})
export class CreditPacksModule {}
