import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { E164_INDIA, EXTERNAL_ID } from '@clinic/contracts';
import { normaliseIndianMobile } from '../domain/phone';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const idMessage = (field: string) => ({ message: `${field} must be 1-100 letters, digits or _.:-` });

/** A lead the marketplace collected itself; `marketplaceLeadId` makes the call idempotent. */
export class MarketplaceLeadDto {
  @ApiProperty({ example: 'mkt-lead-000123' })
  @Matches(EXTERNAL_ID, idMessage('marketplaceLeadId'))
  marketplaceLeadId!: string;

  @ApiProperty({ example: 'clinic-1' })
  @Matches(EXTERNAL_ID, idMessage('clinicId'))
  clinicId!: string;

  @ApiProperty({ example: 'pkg-hydrafacial-01' })
  @Matches(EXTERNAL_ID, idMessage('packageId'))
  packageId!: string;

  @ApiProperty({ example: 'Priya Sharma', maxLength: 200 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  patientName!: string;

  @ApiProperty({ description: 'Indian mobile number in any common form; stored as E.164.', example: '+919876543210' })
  @Transform(({ value }) => normaliseIndianMobile(value) ?? value)
  @IsString({ message: 'phone must be an Indian mobile number, e.g. +91 98765 43210' })
  @Matches(E164_INDIA, { message: 'phone must be an Indian mobile number, e.g. +91 98765 43210' })
  phone!: string;

  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional() @Transform(trim) @IsEmail() @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000)
  message?: string;

  @ApiPropertyOptional({ description: 'When the patient submitted it on the marketplace (ISO 8601).' })
  @IsOptional() @IsDateString()
  submittedAt?: string;
}
