import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, assertClinicScope } from '@clinic/auth';
import { Database, SERVICE_CONFIG } from '@clinic/platform';
import { ClinicParams } from '../common/clinic-params';
import { LedgerConfig } from '../config';
import { BalanceQuery, BalanceView } from './balance.dto';
import { balanceAt, currentBalance } from './balance.queries';

@ApiTags('balance')
@ApiBearerAuth()
@Controller('clinics/:clinicId/balance')
export class BalanceController {
  constructor(private readonly db: Database, @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig) {}

  @Get()
  @ApiOperation({ summary: "A clinic's credit balance, now or (with ?at=) at a past moment" })
  @ApiOkResponse({ type: BalanceView })
  @ApiForbiddenResponse({ description: 'A clinic token for another clinic' })
  async get(@Param() { clinicId }: ClinicParams, @Query() query: BalanceQuery, @CurrentPrincipal() principal: Principal): Promise<BalanceView> {
    assertClinicScope(principal, clinicId);
    if (query.at) return balanceAt(this.db, clinicId, new Date(query.at));
    return currentBalance(this.db, clinicId, this.config.lowBalanceThreshold);
  }
}
