import { Body, Controller, Post } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { causedBy, Event } from '@clinic/contracts';
import type { EventContext } from '@clinic/messaging';
import { Roles } from '@clinic/auth';
import { currentCorrelationId } from '@clinic/observability';
import { Database, validationFailed } from '@clinic/platform';
import { AcceptLead, LeadReceipt } from '../accept-lead/accept-lead';
import { LeadReceiptDto } from '../contact-form/contact-clinic.dto';
import { normaliseIndianMobile } from '../domain/phone';
import { MarketplaceLeadDto } from './marketplace-lead.dto';

/** Leads the marketplace collected, by HTTP or on marketplace.leads.v1; its lead id makes both idempotent. */
@ApiTags('marketplace')
@Controller()
export class MarketplaceLeadsController {
  constructor(private readonly db: Database, private readonly acceptLead: AcceptLead) {}

  /** The same marketplaceLeadId again answers with the same lead; with different details, 409. */
  @Post('leads')
  @Roles('marketplace')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: LeadReceiptDto })
  @ApiConflictResponse({ description: 'marketplaceLeadId already used for a different lead' })
  submit(@Body() body: MarketplaceLeadDto): Promise<LeadReceipt> {
    const correlationId = currentCorrelationId();
    return this.db.transaction((tx) =>
      this.acceptLead.accept(tx, {
        source: 'marketplace',
        marketplaceLeadId: body.marketplaceLeadId,
        clinicId: body.clinicId,
        packageId: body.packageId,
        patientName: body.patientName,
        phone: body.phone,
        email: body.email,
        message: body.message,
        meta: correlationId ? { correlationId } : undefined,
      }),
    );
  }

  /**
   * The same lead arriving as an event. Invalid details (a phone that is not an Indian mobile,
   * an unknown package) throw, so the event goes to the DLQ with the reason.
   */
  @EventPattern('MarketplaceLeadSubmitted')
  async onMarketplaceLeadSubmitted(@Payload() event: Event<'MarketplaceLeadSubmitted'>, @Ctx() ctx: EventContext): Promise<void> {
    const lead = event.payload;
    const phone = normaliseIndianMobile(lead.phone);
    if (!phone) throw validationFailed(['phone: must be an Indian mobile number']);
    await this.acceptLead.accept(ctx.tx, {
      source: 'marketplace',
      marketplaceLeadId: lead.marketplaceLeadId,
      clinicId: lead.clinicId,
      packageId: lead.packageId,
      patientName: lead.patientName.trim(),
      phone,
      email: lead.email,
      message: lead.message,
      meta: causedBy(event),
    });
  }
}
