import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class BalanceQuery {
  @ApiPropertyOptional({ description: 'ISO time: the balance as it stood then, from the stream', example: '2026-01-31T23:59:59Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' })
  at?: string;
}

export class BalanceView {
  @ApiProperty() clinicId!: string;
  @ApiProperty({ description: 'Credits' }) balance!: number;
  @ApiProperty({ description: 'Stream version the figures include' }) version!: number;
  @ApiPropertyOptional() lifetimePurchased?: number;
  @ApiPropertyOptional() lifetimeSpent?: number;
  @ApiPropertyOptional() lifetimeRefunded?: number;
  @ApiPropertyOptional() lowBalanceThreshold?: number;
  @ApiPropertyOptional() lowBalance?: boolean;
  @ApiPropertyOptional({ description: 'Present when the balance was asked for at a moment (?at=)' }) at?: string;
}
