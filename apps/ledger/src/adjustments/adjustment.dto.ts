import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';

export class AdjustmentRequest {
  @ApiProperty({ description: 'Signed credits: positive grants, negative takes (never below a zero balance)', example: -200 })
  @IsInt({ message: 'amount must be an integer number of credits' })
  @NotEquals(0, { message: 'amount must not be zero' })
  @Min(-1_000_000_000) @Max(1_000_000_000)
  amount!: number;

  @ApiProperty({ description: 'Why: shown in the clinic\'s transaction history', example: 'Goodwill credit for outage on 3 March' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'reason is required' })
  @Length(1, 500, { message: 'reason is required (1-500 characters)' })
  reason!: string;
}

export class AdjustmentView {
  @ApiProperty() transactionId!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() reason!: string;
  @ApiProperty() idempotencyKey!: string;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty() streamVersion!: number;
  @ApiProperty() createdAt!: string;
}
