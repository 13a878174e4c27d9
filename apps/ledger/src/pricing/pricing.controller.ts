import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CURRENT_PRICING_VERSION, pricingTable } from '@clinic/ledger-domain';

export class PricingTierView {
  @ApiProperty({ example: 'T2' }) tier!: string;
  @ApiProperty({ description: 'Lowest package price in the tier (paise, inclusive)' }) minPricePaise!: number;
  @ApiPropertyOptional({ description: 'Highest package price in the tier (paise, inclusive); null = no limit', nullable: true }) maxPricePaise!: number | null;
  @ApiProperty({ description: 'Cost of one lead in credits' }) credits!: number;
}

export class PricingTiersView {
  @ApiProperty() pricingVersion!: number;
  @ApiProperty({ type: [PricingTierView] }) tiers!: PricingTierView[];
}

@ApiTags('pricing')
@ApiBearerAuth()
@Controller('pricing/tiers')
export class PricingController {
  @Get()
  @ApiOperation({ summary: 'The current lead price tiers (package price → credits per lead)' })
  @ApiOkResponse({ type: PricingTiersView })
  tiers(): PricingTiersView {
    return { pricingVersion: CURRENT_PRICING_VERSION, tiers: pricingTable(CURRENT_PRICING_VERSION).map((tier) => ({ ...tier })) };
  }
}
