import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { EXTERNAL_ID } from '@clinic/contracts';

/** `:clinicId` in a route: an opaque id of letters, digits and `_.:-`. */
export class ClinicParams {
  @ApiProperty({ example: 'clinic-42' })
  @Matches(EXTERNAL_ID, { message: 'clinicId must be 1-100 letters, digits or _.:-' })
  clinicId!: string;
}
