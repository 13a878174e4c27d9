import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EXTERNAL_ID } from '@clinic/contracts';
import { DISPUTE_STATUSES, DisputeStatus } from '../domain/dispute';

export class ClinicDisputesQuery {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES as readonly string[], { message: `status must be one of ${DISPUTE_STATUSES.join(', ')}` })
  status?: DisputeStatus;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class AdminDisputesQuery extends ClinicDisputesQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(EXTERNAL_ID, { message: 'clinicId must be a clinic id (letters, digits, _ . : -)' })
  clinicId?: string;
}
