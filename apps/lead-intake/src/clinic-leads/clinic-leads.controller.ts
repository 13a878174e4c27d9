import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ownClinicId, Principal, Roles } from '@clinic/auth';
import { Database } from '@clinic/platform';
import { isContactVisible } from '../domain/lead';
import { ListLeadsQuery, LeadParams } from './clinic-leads.dto';
import { ClinicLeadRow, findClinicLead, listClinicLeads } from './clinic-leads.sql';
import { contactAsSeenByClinic } from './contact-view';

/** A lead as its clinic sees it: the patient's contact is masked until the lead is charged. */
function present(row: ClinicLeadRow) {
  const { patientName, phone, email, message, ...lead } = row;
  return { ...lead, contact: contactAsSeenByClinic({ patientName, phone, email, message }, isContactVisible(row.status)) };
}

@ApiTags('clinic leads')
@ApiBearerAuth()
@Controller('clinic/leads')
export class ClinicLeadsController {
  constructor(private readonly db: Database) {}

  /** The caller's own leads, newest first, optionally by status. */
  @Get()
  @Roles('clinic')
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListLeadsQuery) {
    const clinicId = ownClinicId(principal);
    const { rows, total } = await listClinicLeads(this.db, clinicId, query);
    return { items: rows.map(present), page: query.page, limit: query.limit, total };
  }

  /** 404 for a lead of another clinic: its existence is not revealed. */
  @Get(':leadId')
  @Roles('clinic')
  async get(@CurrentPrincipal() principal: Principal, @Param() params: LeadParams) {
    const row = await findClinicLead(this.db, ownClinicId(principal), params.leadId);
    if (!row) throw new NotFoundException({ statusCode: 404, message: 'lead not found' });
    return present(row);
  }
}
