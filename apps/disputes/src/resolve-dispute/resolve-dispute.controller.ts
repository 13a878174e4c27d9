import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@clinic/auth';
import { disputeView } from '../store/dispute-store';
import { ResolveDisputeHandler } from './resolve-dispute.handler';
import { ApproveDisputeBody, DisputeIdParams, RejectDisputeBody } from './resolve-dispute.dto';

@ApiTags('admin disputes')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/disputes')
export class ResolveDisputeController {
  constructor(private readonly handler: ResolveDisputeHandler) {}

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a pending dispute: the ledger refunds refundAmount (default the full charge)' })
  async approve(@Param() params: DisputeIdParams, @Body() body: ApproveDisputeBody, @CurrentPrincipal() principal: Principal) {
    return disputeView(await this.handler.resolve(params.id, { decision: 'approve', ...body }, principal.subject));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a pending dispute with the reason' })
  async reject(@Param() params: DisputeIdParams, @Body() body: RejectDisputeBody, @CurrentPrincipal() principal: Principal) {
    return disputeView(await this.handler.resolve(params.id, { decision: 'reject', adminNotes: body.adminNotes }, principal.subject));
  }
}
