import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { LEAD_STATUSES, LeadStatus } from '../domain/lead';

export class ListLeadsQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page = 1;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit = 20;

  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional() @IsIn(LEAD_STATUSES as readonly string[])
  status?: LeadStatus;
}

export class LeadParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  leadId!: string;
}
