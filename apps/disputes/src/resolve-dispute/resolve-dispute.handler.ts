import { Inject, Injectable } from '@nestjs/common';
import { createEvent } from '@clinic/contracts';
import { appendToOutbox } from '@clinic/messaging';
import { AppLogger, currentCorrelationId } from '@clinic/observability';
import { Database, LOGGER } from '@clinic/platform';
import { decide, Dispute, DisputeCommand, evolve } from '../domain/dispute';
import { loadChargedLead, loadDispute, updateDispute } from '../store/dispute-store';
import { rejectionToHttp } from '../store/rejection';

export type Resolution =
  | { decision: 'approve'; refundAmount?: number; adminNotes?: string }
  | { decision: 'reject'; adminNotes: string };

/**
 * An admin approves (DisputeApproved → the ledger refunds) or rejects (DisputeRejected) a pending
 * dispute. The row is locked, so two admins deciding at once get one success and one 409.
 */
@Injectable()
export class ResolveDisputeHandler {
  constructor(private readonly db: Database, @Inject(LOGGER) private readonly logger: AppLogger) {}

  async resolve(disputeId: string, resolution: Resolution, resolvedBy: string, now = new Date()): Promise<Dispute> {
    const dispute = await this.db.transaction(async (tx) => {
      const current = await loadDispute(tx, { id: disputeId }, true);
      const chargedLead = current ? await loadChargedLead(tx, current.leadId) : null;
      const command: DisputeCommand =
        resolution.decision === 'approve'
          ? { type: 'ApproveDispute', refundAmount: resolution.refundAmount, adminNotes: resolution.adminNotes, resolvedBy, now }
          : { type: 'RejectDispute', adminNotes: resolution.adminNotes, resolvedBy, now };
      const decision = decide({ dispute: current, chargedLead }, command);
      if (!decision.ok) throw rejectionToHttp(decision.rejection);
      const resolved = decision.events.reduce<Dispute | null>(evolve, current)!;
      await updateDispute(tx, resolved);
      const meta = { producer: 'disputes', clinicId: resolved.clinicId, correlationId: currentCorrelationId() };
      const base = { disputeId: resolved.id, clinicId: resolved.clinicId, leadId: resolved.leadId, resolvedBy };
      await appendToOutbox(tx, [
        resolved.status === 'approved'
          ? createEvent('DisputeApproved', { ...base, refundAmount: resolved.refundAmount!, ...(resolved.adminNotes !== null ? { adminNotes: resolved.adminNotes } : {}) }, meta)
          : createEvent('DisputeRejected', { ...base, adminNotes: resolved.adminNotes! }, meta),
      ]);
      return resolved;
    });
    this.logger.info(
      { event: `dispute_${dispute.status}`, disputeId: dispute.id, leadId: dispute.leadId, clinicId: dispute.clinicId, refundAmount: dispute.refundAmount, resolvedBy },
      `Dispute ${dispute.status}: Dispute ${dispute.id}`,
    );
    return dispute;
  }
}
