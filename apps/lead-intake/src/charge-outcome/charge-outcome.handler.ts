import { Inject, Injectable } from '@nestjs/common';
import { AnyEvent, causedBy, createEvent, Event } from '@clinic/contracts';
import { appendToOutbox } from '@clinic/messaging';
import { AppLogger } from '@clinic/observability';
import { LOGGER, SqlClient } from '@clinic/platform';
import { PRODUCER } from '../accept-lead/accept-lead';
import { decide, LeadCommand, LeadEvent, LeadStatus } from '../domain/lead';

type LedgerOutcome = Event<'CreditsDeducted'> | Event<'LeadChargeDeclined'> | Event<'PendingLeadExpired'>;

function commandOf(event: LedgerOutcome): LeadCommand {
  switch (event.type) {
    case 'CreditsDeducted':
      return { type: 'RecordCharge', credits: event.payload.credits, at: event.payload.chargedAt };
    case 'LeadChargeDeclined':
      return { type: 'RecordDecline', at: event.occurredAt };
    case 'PendingLeadExpired':
      return { type: 'RecordExpiry', at: event.payload.expiredAt };
  }
}

/**
 * Follows the ledger's decision about a lead: charged → released (contact visible, LeadReleased),
 * declined → pending_payment (still masked), expired → expired (LeadExpired). Runs in the
 * caller's transaction; events about leads this service does not know are ignored.
 */
@Injectable()
export class ChargeOutcomeHandler {
  constructor(@Inject(LOGGER) private readonly logger: AppLogger) {}

  async apply(tx: SqlClient, event: LedgerOutcome): Promise<void> {
    const { leadId, clinicId } = event.payload;
    const { rows } = await tx.query<{ status: LeadStatus }>('SELECT status FROM leads WHERE lead_id = $1 AND clinic_id = $2 FOR UPDATE', [leadId, clinicId]);
    if (rows.length === 0) return;
    const outcomes = decide({ status: rows[0].status }, commandOf(event));
    for (const outcome of outcomes) {
      await this.record(tx, leadId, outcome);
      const emitted = this.announce(outcome, leadId, clinicId, event);
      if (emitted) await appendToOutbox(tx, [emitted]);
      this.logger.info({ leadId, clinicId, outcome: outcome.type, cause: event.type }, 'lead follows ledger outcome');
    }
  }

  private async record(tx: SqlClient, leadId: string, outcome: LeadEvent): Promise<void> {
    switch (outcome.type) {
      case 'Released':
        await tx.query(
          `UPDATE leads SET status = 'released', credits_charged = $2, released_at = $3, updated_at = now() WHERE lead_id = $1`,
          [leadId, outcome.credits, outcome.releasedAt],
        );
        return;
      case 'PaymentAwaited':
        await tx.query(`UPDATE leads SET status = 'pending_payment', declined_at = $2, updated_at = now() WHERE lead_id = $1`, [leadId, outcome.declinedAt]);
        return;
      case 'Expired':
        await tx.query(`UPDATE leads SET status = 'expired', expired_at = $2, updated_at = now() WHERE lead_id = $1`, [leadId, outcome.expiredAt]);
        return;
    }
  }

  private announce(outcome: LeadEvent, leadId: string, clinicId: string, cause: LedgerOutcome): AnyEvent | null {
    const meta = { producer: PRODUCER, clinicId, ...causedBy(cause) };
    switch (outcome.type) {
      case 'Released':
        return createEvent('LeadReleased', { leadId, clinicId, credits: outcome.credits, releasedAt: outcome.releasedAt }, meta);
      case 'Expired':
        return createEvent('LeadExpired', { leadId, clinicId, expiredAt: outcome.expiredAt }, meta);
      case 'PaymentAwaited':
        return null;
    }
  }
}
