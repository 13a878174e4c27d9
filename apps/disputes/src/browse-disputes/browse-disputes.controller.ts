import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ownClinicId, Principal, Roles } from '@clinic/auth';
import { DisputeIdParams } from '../resolve-dispute/resolve-dispute.dto';
import { AdminDisputesQuery, ClinicDisputesQuery } from './browse-disputes.dto';
import { BrowseDisputesQuery } from './browse-disputes.query';

@ApiTags('clinic disputes')
@ApiBearerAuth()
@Roles('clinic')
@Controller('clinic/disputes')
export class ClinicDisputesController {
  constructor(private readonly disputes: BrowseDisputesQuery) {}

  @Get()
  @ApiOperation({ summary: 'Your disputes, newest first' })
  list(@Query() query: ClinicDisputesQuery, @CurrentPrincipal() principal: Principal) {
    return this.disputes.list({ ...query, clinicId: ownClinicId(principal) });
  }
}

@ApiTags('admin disputes')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/disputes')
export class AdminDisputesController {
  constructor(private readonly disputes: BrowseDisputesQuery) {}

  @Get()
  @ApiOperation({ summary: 'All disputes, filtered by status and clinic, newest first' })
  list(@Query() query: AdminDisputesQuery) {
    return this.disputes.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dispute' })
  async get(@Param() params: DisputeIdParams) {
    const dispute = await this.disputes.get(params.id);
    if (!dispute) throw new NotFoundException(`dispute ${params.id} not found`);
    return dispute;
  }
}
