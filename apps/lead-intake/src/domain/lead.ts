/**
 * The life of one lead, as a pure decider: the ledger decides whether a clinic pays for a lead;
 * this module decides what that outcome means for the lead (who may see the patient, which
 * events the marketplace and the other services hear). No framework or database code here.
 */
export const LEAD_STATUSES = ['new', 'pending_payment', 'released', 'expired', 'duplicate'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface LeadState {
  status: LeadStatus;
}

/** Outcomes reported by the ledger. */
export type LeadCommand =
  | { type: 'RecordCharge'; credits: number; at: string }
  | { type: 'RecordDecline'; at: string }
  | { type: 'RecordExpiry'; at: string };

export type LeadEvent =
  | { type: 'Released'; credits: number; releasedAt: string }
  | { type: 'PaymentAwaited'; declinedAt: string }
  | { type: 'Expired'; expiredAt: string };

/**
 * Which events a ledger outcome produces for a lead in `state`. Repeats and stale outcomes
 * produce none, so every handler built on it is idempotent.
 *
 * - A charge releases the contact from `new` or `pending_payment`. It also releases an `expired`
 *   lead: the ledger holds the money, so the clinic must get what it paid for.
 * - A decline parks a `new` lead as `pending_payment`; after release or expiry it is stale.
 * - An expiry ends a lead that was never charged.
 * - A `duplicate` was never offered to the ledger: nothing the ledger says applies to it.
 */
export function decide(state: LeadState, command: LeadCommand): LeadEvent[] {
  const { status } = state;
  if (status === 'duplicate') return [];
  switch (command.type) {
    case 'RecordCharge':
      return status === 'released' ? [] : [{ type: 'Released', credits: command.credits, releasedAt: command.at }];
    case 'RecordDecline':
      return status === 'new' ? [{ type: 'PaymentAwaited', declinedAt: command.at }] : [];
    case 'RecordExpiry':
      return status === 'new' || status === 'pending_payment' ? [{ type: 'Expired', expiredAt: command.at }] : [];
  }
}

export function evolve(state: LeadState, event: LeadEvent): LeadState {
  switch (event.type) {
    case 'Released':
      return { status: 'released' };
    case 'PaymentAwaited':
      return { status: 'pending_payment' };
    case 'Expired':
      return { status: 'expired' };
  }
}

/** Only a charged lead shows the patient's contact to the clinic. */
export const isContactVisible = (status: LeadStatus): boolean => status === 'released';

export interface EarlierLead {
  leadId: string;
  status: LeadStatus;
  createdAt: Date;
}

export type IntakeDecision = { status: 'new' } | { status: 'duplicate'; duplicateOf: string };

/**
 * A new lead is a duplicate when the same phone reached the same clinic within the window
 * through a lead the clinic is paying for (or will pay for once it tops up). Earlier duplicates
 * and expired leads do not count: the clinic never got that contact.
 */
export function decideIntake(earlier: EarlierLead[], now: Date, duplicateWindowDays: number): IntakeDecision {
  const windowStart = now.getTime() - duplicateWindowDays * 24 * 3600_000;
  const chargeable = earlier.find(
    (lead) => (lead.status === 'new' || lead.status === 'pending_payment' || lead.status === 'released') && lead.createdAt.getTime() > windowStart,
  );
  return chargeable ? { status: 'duplicate', duplicateOf: chargeable.leadId } : { status: 'new' };
}
