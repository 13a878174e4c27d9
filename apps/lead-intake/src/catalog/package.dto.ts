import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { EXTERNAL_ID } from '@clinic/contracts';

export class PackageParams {
  @ApiProperty({ example: 'pkg-hydrafacial-01' })
  @Matches(EXTERNAL_ID, { message: 'packageId must be 1-100 letters, digits or _.:-' })
  packageId!: string;
}

/** The marketplace's copy of one package: lead prices come from here, never from the public form. */
export class PutPackageDto {
  @ApiProperty({ example: 'clinic-1' })
  @Matches(EXTERNAL_ID, { message: 'clinicId must be 1-100 letters, digits or _.:-' })
  clinicId!: string;

  @ApiProperty({ example: 'HydraFacial (3 sessions)' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiProperty({ description: 'Package price in paise (integer): ₹8,000 = 800000', example: 800000 })
  @IsInt() @Min(0) @Max(100_000_000_000)
  pricePaise!: number;

  @ApiProperty()
  @IsBoolean()
  active!: boolean;
}
