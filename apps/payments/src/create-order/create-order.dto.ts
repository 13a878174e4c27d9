import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class CreateOrderRequest {
  @ApiPropertyOptional({ example: 'growth', description: 'A pack id from GET /credit-packs (or give customAmountPaise)' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'packId must be a credit pack id' })
  packId?: string;

  @ApiPropertyOptional({ example: 250_000, description: 'A custom amount in paise, whole rupees, within the configured range (or give packId)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000_000)
  customAmountPaise?: number;
}

export class CreateOrderResponse {
  keyId!: string;
  orderId!: string;
  amount!: number;
  currency!: 'INR';
  credits!: number;
}
