import { Inject, Injectable } from '@nestjs/common';
import { Event } from '@clinic/contracts';
import { AppLogger } from '@clinic/observability';
import { LOGGER, SqlClient } from '@clinic/platform';
import { decide, Dispute, evolve } from '../domain/dispute';
import { loadDispute, updateDispute } from '../store/dispute-store';

/**
 * What the disputes service learns from the ledger, applied inside the consumer's transaction.
 * Each method is idempotent on its own business key (lead id, refund transaction id), on top of
 * the inbox's eventId check.
 */
@Injectable()
export class LedgerEventsHandler {
  constructor(@Inject(LOGGER) private readonly logger: AppLogger) {}

  /** Keeps a copy of the charge: the facts a dispute is opened on. */
  async onCreditsDeducted(tx: SqlClient, event: Event<'CreditsDeducted'>): Promise<void> {
    const { leadId, clinicId, credits, chargedAt, transactionId } = event.payload;
    await tx.query(
      `INSERT INTO charged_leads (lead_id, clinic_id, credits, charged_at, transaction_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (lead_id) DO NOTHING`,
      [leadId, clinicId, credits, chargedAt, transactionId],
    );
  }

  /** The ledger gave credits back for a dispute: record it, and the approved dispute becomes refunded. */
  async onCreditsRefunded(tx: SqlClient, event: Event<'CreditsRefunded'>): Promise<void> {
    const { transactionId, disputeId, leadId, clinicId, credits } = event.payload;
    const recorded = await tx.query(
      `INSERT INTO lead_refunds (transaction_id, dispute_id, lead_id, clinic_id, credits)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [transactionId, disputeId, leadId, clinicId, credits],
    );
    if (recorded.rowCount === 0) return;
    await tx.query('UPDATE charged_leads SET refunded_credits = LEAST(credits, refunded_credits + $2) WHERE lead_id = $1', [leadId, credits]);

    const dispute = await loadDispute(tx, { id: disputeId }, true);
    const decision = decide({ dispute, chargedLead: null }, { type: 'RecordRefund', transactionId, credits, refundedAt: new Date(event.occurredAt) });
    if (!decision.ok) {
      // The credits did move in the ledger; the refund stays recorded, and the mismatch is reported, not retried.
      this.logger.warn({ disputeId, leadId, clinicId, transactionId, reason: decision.rejection.message }, 'refund for a dispute that is not awaiting one');
      return;
    }
    if (decision.events.length === 0) return;
    const refunded = decision.events.reduce<Dispute | null>(evolve, dispute)!;
    await updateDispute(tx, refunded);
    this.logger.info(
      { event: 'refund_processed', disputeId, leadId, clinicId, credits, transactionId },
      `Refund processed: Dispute ${disputeId}, Amount ${credits}`,
    );
  }
}
