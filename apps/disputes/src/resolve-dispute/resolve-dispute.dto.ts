import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';

export class DisputeIdParams {
  @IsUUID()
  id!: string;
}

export class ApproveDisputeBody {
  @ApiPropertyOptional({ description: 'Credits to refund; default the full charge (less anything already refunded)', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  refundAmount?: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  adminNotes?: string;
}

export class RejectDisputeBody {
  @ApiProperty({ minLength: 1, maxLength: 2000, description: 'Why the dispute is rejected (shown to the clinic)' })
  @IsString()
  @Length(1, 2000)
  adminNotes!: string;
}
