import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class TransactionsQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'page must be an integer' }) @Min(1, { message: 'page must be at least 1' })
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1, { message: 'limit must be from 1 to 100' }) @Max(100, { message: 'limit must be from 1 to 100' })
  limit?: number;
}

export class TransactionView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['deduction', 'purchase', 'refund', 'adjustment'] }) type!: string;
  @ApiProperty({ description: 'Signed credits' }) amount!: number;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty() description!: string;
  @ApiProperty() status!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() streamVersion!: number;
  @ApiPropertyOptional({ nullable: true }) leadId!: string | null;
  @ApiPropertyOptional({ nullable: true }) paymentId!: string | null;
  @ApiPropertyOptional({ nullable: true }) disputeId!: string | null;
  @ApiPropertyOptional({ nullable: true }) tier!: string | null;
  @ApiPropertyOptional({ nullable: true }) pricingVersion!: number | null;
  @ApiPropertyOptional({ nullable: true }) packagePricePaise!: number | null;
}

export class TransactionPage {
  @ApiProperty({ type: [TransactionView] }) items!: TransactionView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
