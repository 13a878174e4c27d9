import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@clinic/auth';
import { Database } from '@clinic/platform';
import { CatalogPackage, upsertPackage } from './catalog.sql';
import { PackageParams, PutPackageDto } from './package.dto';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('packages')
export class CatalogController {
  constructor(private readonly db: Database) {}

  /** Creates or replaces the marketplace's package (idempotent: the same body twice is one package). */
  @Put(':packageId')
  @Roles('marketplace')
  put(@Param() params: PackageParams, @Body() body: PutPackageDto): Promise<CatalogPackage> {
    return upsertPackage(this.db, { packageId: params.packageId, ...body });
  }
}
