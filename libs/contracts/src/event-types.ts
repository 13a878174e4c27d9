/** Every event the system knows, grouped by the topic that carries it. */
export const TOPICS = {
  marketplaceLeads: 'marketplace.leads.v1',
  leads: 'leads.v1',
  ledger: 'ledger.v1',
  payments: 'payments.v1',
  disputes: 'disputes.v1',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);
export const dlqTopic = (topic: string): string => `${topic}.dlq`;

export const EVENT_TOPIC = {
  MarketplaceLeadSubmitted: TOPICS.marketplaceLeads,
  LeadCreated: TOPICS.leads,
  LeadReleased: TOPICS.leads,
  LeadExpired: TOPICS.leads,
  CreditsDeducted: TOPICS.ledger,
  LeadChargeDeclined: TOPICS.ledger,
  PendingLeadExpired: TOPICS.ledger,
  CreditsPurchased: TOPICS.ledger,
  CreditsRefunded: TOPICS.ledger,
  CreditsAdjusted: TOPICS.ledger,
  LowBalanceReached: TOPICS.ledger,
  PaymentVerified: TOPICS.payments,
  PaymentFailed: TOPICS.payments,
  DisputeCreated: TOPICS.disputes,
  DisputeApproved: TOPICS.disputes,
  DisputeRejected: TOPICS.disputes,
} as const;

export type EventType = keyof typeof EVENT_TOPIC;
export const EVENT_TYPES = Object.keys(EVENT_TOPIC) as EventType[];
export const topicOf = (type: EventType): Topic => EVENT_TOPIC[type];
