import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Equals, IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { E164_INDIA, EXTERNAL_ID } from '@clinic/contracts';
import { normaliseIndianMobile } from '../domain/phone';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** What the marketplace's package page posts for a patient. No price: prices come from the catalog. */
export class ContactClinicDto {
  @ApiProperty({ example: 'pkg-hydrafacial-01' })
  @Matches(EXTERNAL_ID, { message: 'packageId must be 1-100 letters, digits or _.:-' })
  packageId!: string;

  @ApiProperty({ example: 'Priya Sharma', maxLength: 200 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  patientName!: string;

  @ApiProperty({ description: 'Indian mobile number; "98765 43210", "+91-9876543210" and "09876543210" all work. Stored as E.164.', example: '+91 98765 43210' })
  @Transform(({ value }) => normaliseIndianMobile(value) ?? value)
  @IsString({ message: 'phone must be an Indian mobile number, e.g. +91 98765 43210' })
  @Matches(E164_INDIA, { message: 'phone must be an Indian mobile number, e.g. +91 98765 43210' })
  phone!: string;

  @ApiPropertyOptional({ example: 'priya@example.com', maxLength: 254 })
  @IsOptional() @Transform(trim) @IsEmail() @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000)
  message?: string;

  @ApiProperty({ description: 'The patient agreed to be contacted by the clinic; must be true.', example: true })
  @Equals(true, { message: 'consent must be true: the patient has to agree to be contacted' })
  consent!: true;
}

/** Same shape for a new lead and a duplicate: the answer does not reveal which. */
export class LeadReceiptDto {
  @ApiProperty() leadId!: string;
  @ApiProperty() receivedAt!: string;
}
