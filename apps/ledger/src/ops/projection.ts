import { BalanceSummary, PendingLead, emptySummary, evolveSummary, pendingLeadOf } from '@clinic/ledger-domain';
import { GENESIS_HASH, StreamRow, toLedgerEvent } from '../account/stream-row';

/** The read models of one clinic, folded from its stream rows. */
export interface ClinicProjection {
  summary: BalanceSummary;
  lastHash: string;
  /** Waiting leads by id, in the order they were declined. */
  pending: Map<string, PendingLead & { streamVersion: number }>;
}

export function startProjection(clinicId: string, threshold: number): ClinicProjection {
  return { summary: emptySummary(clinicId, threshold), lastHash: GENESIS_HASH, pending: new Map() };
}

/** Applies one stored row: the same evolveSummary the live path uses, plus the pending queue. */
export function applyRow(projection: ClinicProjection, row: StreamRow): void {
  const event = toLedgerEvent(row);
  projection.summary = evolveSummary(projection.summary, event);
  projection.lastHash = row.hash;
  if (event.type === 'LeadChargeDeclined') projection.pending.set(event.leadId, { ...pendingLeadOf(event), streamVersion: event.streamVersion });
  else if (event.type === 'CreditsDeducted' || event.type === 'PendingLeadExpired') projection.pending.delete(event.leadId);
}

/**
 * The low-balance flag a stream implies: it is set on the alert after a crossing and cleared when
 * the balance is back at or above the threshold, so after every write it equals balance < threshold.
 */
export const lowBalanceOf = (summary: BalanceSummary): boolean => summary.balance < summary.lowBalanceThreshold;
