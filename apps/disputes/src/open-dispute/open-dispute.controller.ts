import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ownClinicId, Principal, Roles } from '@clinic/auth';
import { disputeView } from '../store/dispute-store';
import { OpenDisputeHandler } from './open-dispute.handler';
import { DisputeDetailsBody, LeadIdParams, OpenDisputeBody } from './open-dispute.dto';

@ApiTags('clinic disputes')
@ApiBearerAuth()
@Roles('clinic')
@Controller('clinic/disputes')
export class OpenDisputeController {
  constructor(private readonly handler: OpenDisputeHandler) {}

  @Post('create/:leadId')
  @ApiOperation({ summary: 'Dispute one of your charged leads (lead in the path)' })
  async createForLead(@Param() params: LeadIdParams, @Body() body: DisputeDetailsBody, @CurrentPrincipal() principal: Principal) {
    return disputeView(await this.handler.open({ clinicId: ownClinicId(principal), leadId: params.leadId, ...body }));
  }

  @Post()
  @ApiOperation({ summary: 'Dispute one of your charged leads (lead in the body)' })
  async create(@Body() body: OpenDisputeBody, @CurrentPrincipal() principal: Principal) {
    const { leadId, disputeType, description } = body;
    return disputeView(await this.handler.open({ clinicId: ownClinicId(principal), leadId, disputeType, description }));
  }
}
