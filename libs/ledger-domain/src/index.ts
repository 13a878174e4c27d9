export { PRICING_TABLES, CURRENT_PRICING_VERSION, pricingTable, priceLead } from './pricing';
export type { TierId, PricingTier, LeadPrice } from './pricing';
export { isRecorded } from './events';
export type {
  Recorded, RecordedEvent, LedgerEvent, CreditsDeducted, LeadChargeDeclined, PendingLeadExpired, CreditsPurchased, CreditsRefunded,
  CreditsAdjusted, LowBalanceReached,
} from './events';
export {
  AccountSession, decide, run, evolve, evolveSummary, fold, initialAccount, emptySummary, withThreshold, pendingLeadOf, recordedOnly, CommandRejected,
  DEFAULT_LOW_BALANCE_THRESHOLD,
} from './account';
export type { AccountState, BalanceSummary, KnownLead, PendingLead, LedgerCommand, DecideContext, RejectionCode } from './account';
export { toIntegrationMessage } from './integration';
export type { IntegrationMessage } from './integration';
