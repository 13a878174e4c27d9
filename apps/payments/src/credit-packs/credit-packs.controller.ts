import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@clinic/auth';
import { SERVICE_CONFIG } from '@clinic/platform';
import type { PaymentsConfig } from '../config';

@ApiTags('credit packs')
@Controller('credit-packs')
@UseGuards(ThrottlerGuard)
export class CreditPacksController {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: PaymentsConfig) {}

  /** Public: the price list is what the marketplace's pricing page shows. */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Credit packs and the custom amount range (prices in paise, 1 credit = ₹1 nominal)' })
  @ApiOkResponse({ description: '{ packs: [{ id, name, pricePaise, credits, bonusCredits, totalCredits }], customAmount: { minPaise, maxPaise, creditsPerRupee } }' })
  list() {
    const { packs, customAmount } = this.config.catalog;
    return {
      currency: 'INR',
      packs: packs.map((pack) => ({ ...pack, totalCredits: pack.credits + pack.bonusCredits })),
      customAmount: { ...customAmount, creditsPerRupee: 1 },
    };
  }
}
