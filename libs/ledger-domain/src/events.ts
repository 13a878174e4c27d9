import type { TierId } from './pricing';

/** Fields every event recorded in a clinic's stream (one `credit_transactions` row) carries. */
export interface Recorded {
  clinicId: string;
  transactionId: string;
  /** Per-clinic, gap-free, starting at 1. */
  streamVersion: number;
  /** Signed change of the balance in credits (0 for declines and expiries). */
  amount: number;
  balanceAfter: number;
  /** ISO time the ledger recorded it. */
  at: string;
}

export interface CreditsDeducted extends Recorded {
  type: 'CreditsDeducted';
  leadId: string;
  tier: TierId;
  pricingVersion: number;
  packagePricePaise: number;
}

/** The clinic could not afford the lead: it waits in the pending queue (amount 0). */
export interface LeadChargeDeclined extends Recorded {
  type: 'LeadChargeDeclined';
  leadId: string;
  requiredCredits: number;
  tier: TierId;
  pricingVersion: number;
  packagePricePaise: number;
}

/** A waiting lead outlived the pending window and leaves the queue uncharged (amount 0). */
export interface PendingLeadExpired extends Recorded {
  type: 'PendingLeadExpired';
  leadId: string;
  waitingSince: string;
}

export interface CreditsPurchased extends Recorded {
  type: 'CreditsPurchased';
  paymentId: string;
  orderId: string;
  amountPaise: number;
}

export interface CreditsRefunded extends Recorded {
  type: 'CreditsRefunded';
  leadId: string;
  disputeId: string;
}

export interface CreditsAdjusted extends Recorded {
  type: 'CreditsAdjusted';
  reason: string;
  idempotencyKey: string;
  actorId: string;
}

/** Not recorded in the stream: a notification that the balance crossed below the threshold. */
export interface LowBalanceReached {
  type: 'LowBalanceReached';
  clinicId: string;
  balance: number;
  threshold: number;
  at: string;
}

export type RecordedEvent = CreditsDeducted | LeadChargeDeclined | PendingLeadExpired | CreditsPurchased | CreditsRefunded | CreditsAdjusted;
export type LedgerEvent = RecordedEvent | LowBalanceReached;

export const isRecorded = (event: LedgerEvent): event is RecordedEvent => event.type !== 'LowBalanceReached';
