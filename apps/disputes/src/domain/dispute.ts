// The dispute lifecycle as a pure decider: decide(state, command) → events or a rejection,
// evolve(state, event) → state. No framework, no I/O: the handlers load the state, call these,
// and persist what comes out.
import { DisputeType } from '@clinic/contracts';

export type DisputeStatus = 'pending' | 'approved' | 'rejected' | 'refunded';
export const DISPUTE_STATUSES: readonly DisputeStatus[] = ['pending', 'approved', 'rejected', 'refunded'];

/** The disputes service's copy of a charge, kept from CreditsDeducted / CreditsRefunded. */
export interface ChargedLead {
  leadId: string;
  clinicId: string;
  credits: number;
  chargedAt: Date;
  /** Credits already given back for this lead (by any refund the ledger reported). */
  refundedCredits: number;
}

export interface Dispute {
  id: string;
  leadId: string;
  clinicId: string;
  disputeType: DisputeType;
  description: string;
  status: DisputeStatus;
  chargedCredits: number;
  createdAt: Date;
  adminNotes: string | null;
  /** What the admin approved; the ledger refunds it and reports back. */
  refundAmount: number | null;
  resolvedBy: string | null;
  approvedAt: Date | null;
  /** When the dispute reached its end: rejected, or refunded. */
  resolvedAt: Date | null;
  refundedAmount: number | null;
  refundTransactionId: string | null;
  refundedAt: Date | null;
}

export type DisputeCommand =
  | { type: 'OpenDispute'; disputeId: string; clinicId: string; leadId: string; disputeType: DisputeType; description: string; now: Date; windowDays: number }
  | { type: 'ApproveDispute'; refundAmount?: number; adminNotes?: string; resolvedBy: string; now: Date }
  | { type: 'RejectDispute'; adminNotes: string; resolvedBy: string; now: Date }
  | { type: 'RecordRefund'; transactionId: string; credits: number; refundedAt: Date };

export type DisputeEvent =
  | { type: 'DisputeOpened'; dispute: Dispute }
  | { type: 'DisputeApproved'; refundAmount: number; adminNotes: string | null; resolvedBy: string; approvedAt: Date }
  | { type: 'DisputeRejected'; adminNotes: string; resolvedBy: string; resolvedAt: Date }
  | { type: 'DisputeRefunded'; transactionId: string; credits: number; refundedAt: Date };

/** Why a command cannot be carried out; `kind` maps to the HTTP status at the edge. */
export interface Rejection {
  kind: 'not_found' | 'window_closed' | 'conflict' | 'invalid';
  message: string;
  field?: string;
}

export type Decision = { ok: true; events: DisputeEvent[] } | { ok: false; rejection: Rejection };

/** What decide() sees: the dispute (if any) and, for opening, the charge it is about. */
export interface DisputeState {
  dispute: Dispute | null;
  chargedLead: ChargedLead | null;
}

const DAY_MS = 24 * 3600_000;

const accept = (...events: DisputeEvent[]): Decision => ({ ok: true, events });
const reject = (kind: Rejection['kind'], message: string, field?: string): Decision => ({ ok: false, rejection: { kind, message, ...(field ? { field } : {}) } });

/** The last moment a charge can be disputed. */
export function disputeWindowEnd(chargedAt: Date, windowDays: number): Date {
  return new Date(chargedAt.getTime() + windowDays * DAY_MS);
}

/** Credits an approval may still give back for this dispute's lead. */
export function refundableCredits(dispute: Dispute, chargedLead: ChargedLead | null): number {
  return Math.max(0, dispute.chargedCredits - (chargedLead?.refundedCredits ?? 0));
}

export function decide(state: DisputeState, command: DisputeCommand): Decision {
  switch (command.type) {
    case 'OpenDispute':
      return decideOpen(state, command);
    case 'ApproveDispute': {
      const { dispute } = state;
      if (!dispute) return reject('not_found', 'dispute not found');
      if (dispute.status !== 'pending') return reject('conflict', `dispute is ${dispute.status}; only a pending dispute can be approved`);
      const maximum = refundableCredits(dispute, state.chargedLead);
      const refundAmount = command.refundAmount ?? maximum;
      if (maximum < 1) return reject('conflict', 'this lead has already been refunded in full');
      if (!Number.isInteger(refundAmount) || refundAmount < 1 || refundAmount > maximum) {
        return reject('invalid', `refundAmount: must be an integer from 1 to ${maximum} (the credits charged for the lead, less any refunded)`, 'refundAmount');
      }
      return accept({ type: 'DisputeApproved', refundAmount, adminNotes: command.adminNotes ?? null, resolvedBy: command.resolvedBy, approvedAt: command.now });
    }
    case 'RejectDispute': {
      const { dispute } = state;
      if (!dispute) return reject('not_found', 'dispute not found');
      if (dispute.status !== 'pending') return reject('conflict', `dispute is ${dispute.status}; only a pending dispute can be rejected`);
      if (command.adminNotes.trim() === '') return reject('invalid', 'adminNotes: must say why the dispute is rejected', 'adminNotes');
      return accept({ type: 'DisputeRejected', adminNotes: command.adminNotes, resolvedBy: command.resolvedBy, resolvedAt: command.now });
    }
    case 'RecordRefund': {
      const { dispute } = state;
      if (!dispute) return reject('not_found', 'dispute not found');
      // The ledger refunds each dispute at most once; a second report of the same refund is a no-op.
      if (dispute.status === 'refunded') return accept();
      if (dispute.status !== 'approved') return reject('conflict', `dispute is ${dispute.status}; only an approved dispute is refunded`);
      return accept({ type: 'DisputeRefunded', transactionId: command.transactionId, credits: command.credits, refundedAt: command.refundedAt });
    }
  }
}

function decideOpen(state: DisputeState, command: Extract<DisputeCommand, { type: 'OpenDispute' }>): Decision {
  const lead = state.chargedLead;
  // Another clinic's lead looks exactly like an unknown one: no hint that it exists.
  if (!lead || lead.clinicId !== command.clinicId) return reject('not_found', `leadId: no charged lead ${command.leadId} for this clinic`, 'leadId');
  if (state.dispute) return reject('conflict', `leadId: lead ${command.leadId} already has a dispute (${state.dispute.id}, ${state.dispute.status})`, 'leadId');
  const windowEnd = disputeWindowEnd(lead.chargedAt, command.windowDays);
  if (command.now.getTime() > windowEnd.getTime()) {
    return reject('window_closed', `leadId: the dispute window for lead ${command.leadId} closed at ${windowEnd.toISOString()} (${command.windowDays} days after the charge)`, 'leadId');
  }
  const description = command.description.trim();
  if (description.length < 10) return reject('invalid', 'description: must be at least 10 characters', 'description');
  return accept({
    type: 'DisputeOpened',
    dispute: {
      id: command.disputeId,
      leadId: lead.leadId,
      clinicId: lead.clinicId,
      disputeType: command.disputeType,
      description,
      status: 'pending',
      chargedCredits: lead.credits,
      createdAt: command.now,
      adminNotes: null,
      refundAmount: null,
      resolvedBy: null,
      approvedAt: null,
      resolvedAt: null,
      refundedAmount: null,
      refundTransactionId: null,
      refundedAt: null,
    },
  });
}

export function evolve(dispute: Dispute | null, event: DisputeEvent): Dispute | null {
  switch (event.type) {
    case 'DisputeOpened':
      return event.dispute;
    case 'DisputeApproved':
      return dispute && { ...dispute, status: 'approved', refundAmount: event.refundAmount, adminNotes: event.adminNotes, resolvedBy: event.resolvedBy, approvedAt: event.approvedAt };
    case 'DisputeRejected':
      return dispute && { ...dispute, status: 'rejected', adminNotes: event.adminNotes, resolvedBy: event.resolvedBy, resolvedAt: event.resolvedAt };
    case 'DisputeRefunded':
      return dispute && { ...dispute, status: 'refunded', refundedAmount: event.credits, refundTransactionId: event.transactionId, refundedAt: event.refundedAt, resolvedAt: event.refundedAt };
  }
}
