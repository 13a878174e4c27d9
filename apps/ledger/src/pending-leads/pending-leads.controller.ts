import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, assertClinicScope } from '@clinic/auth';
import { Database, SERVICE_CONFIG } from '@clinic/platform';
import { ClinicParams } from '../common/clinic-params';
import { LedgerConfig } from '../config';

export class PendingLeadView {
  @ApiProperty() leadId!: string;
  @ApiProperty({ description: 'Credits it will cost, priced when it was declined' }) credits!: number;
  @ApiProperty() tier!: string;
  @ApiProperty() pricingVersion!: number;
  @ApiProperty() packagePricePaise!: number;
  @ApiProperty() waitingSince!: string;
  @ApiProperty({ description: 'After this it expires uncharged' }) expiresAt!: string;
}

export class PendingLeadList {
  @ApiProperty({ type: [PendingLeadView] }) items!: PendingLeadView[];
  @ApiProperty() total!: number;
}

@ApiTags('pending leads')
@ApiBearerAuth()
@Controller('clinics/:clinicId/pending-leads')
export class PendingLeadsController {
  constructor(private readonly db: Database, @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig) {}

  @Get()
  @ApiOperation({ summary: 'Leads declined for lack of credit, oldest first: charged in this order after the next top-up' })
  @ApiOkResponse({ type: PendingLeadList })
  @ApiForbiddenResponse({ description: 'A clinic token for another clinic' })
  async list(@Param() { clinicId }: ClinicParams, @CurrentPrincipal() principal: Principal): Promise<PendingLeadList> {
    assertClinicScope(principal, clinicId);
    const { rows } = await this.db.query<{ lead_id: string; credits: number; tier: string; pricing_version: number; package_price_paise: number; waiting_since: Date }>(
      `SELECT lead_id::text AS lead_id, credits, tier, pricing_version, package_price_paise, waiting_since
         FROM pending_leads WHERE clinic_id = $1 ORDER BY waiting_since, stream_version`,
      [clinicId],
    );
    const windowMs = this.config.pendingWindowHours * 3600_000;
    const items = rows.map((row) => ({
      leadId: row.lead_id,
      credits: row.credits,
      tier: row.tier,
      pricingVersion: row.pricing_version,
      packagePricePaise: row.package_price_paise,
      waitingSince: row.waiting_since.toISOString(),
      expiresAt: new Date(row.waiting_since.getTime() + windowMs).toISOString(),
    }));
    return { items, total: items.length };
  }
}
