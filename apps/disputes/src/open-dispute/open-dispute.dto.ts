import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { DISPUTE_TYPES, DisputeType } from '@clinic/contracts';

export class DisputeDetailsBody {
  @ApiProperty({ enum: DISPUTE_TYPES })
  @IsIn(DISPUTE_TYPES as readonly string[], { message: `disputeType must be one of ${DISPUTE_TYPES.join(', ')}` })
  disputeType!: DisputeType;

  @ApiProperty({ minLength: 10, maxLength: 2000, example: 'The number does not exist; three calls failed.' })
  @IsString()
  @Length(10, 2000)
  description!: string;
}

/** `POST /clinic/disputes`: the lead travels in the body. */
export class OpenDisputeBody extends DisputeDetailsBody {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  leadId!: string;
}

export class LeadIdParams {
  @IsUUID()
  leadId!: string;
}
