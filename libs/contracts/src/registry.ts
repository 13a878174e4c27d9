import * as payloads from './payloads';
import { EventEnvelope } from './envelope';
import { EventType } from './event-types';

type PayloadClasses = {
  [K in EventType]: K extends keyof typeof payloads ? (typeof payloads)[K] : never;
};

/** The schema class of every event type's payload, at its current schema version. */
export const PAYLOAD_SCHEMAS: PayloadClasses = {
  MarketplaceLeadSubmitted: payloads.MarketplaceLeadSubmitted,
  LeadCreated: payloads.LeadCreated,
  LeadReleased: payloads.LeadReleased,
  LeadExpired: payloads.LeadExpired,
  CreditsDeducted: payloads.CreditsDeducted,
  LeadChargeDeclined: payloads.LeadChargeDeclined,
  PendingLeadExpired: payloads.PendingLeadExpired,
  CreditsPurchased: payloads.CreditsPurchased,
  CreditsRefunded: payloads.CreditsRefunded,
  CreditsAdjusted: payloads.CreditsAdjusted,
  LowBalanceReached: payloads.LowBalanceReached,
  PaymentVerified: payloads.PaymentVerified,
  PaymentFailed: payloads.PaymentFailed,
  DisputeCreated: payloads.DisputeCreated,
  DisputeApproved: payloads.DisputeApproved,
  DisputeRejected: payloads.DisputeRejected,
};

/** Current schema version per type. A new version is added beside the old, with an upcaster. */
export const SCHEMA_VERSIONS: Record<EventType, number> = Object.fromEntries(
  Object.keys(PAYLOAD_SCHEMAS).map((type) => [type, 1]),
) as Record<EventType, number>;

/**
 * Upcasters lift an old payload one version up: UPCASTERS[type][n] turns version n into n+1.
 * None exist yet; parse() applies them in order so consumers only ever see current versions.
 */
export const UPCASTERS: Partial<Record<EventType, Record<number, (payload: Record<string, unknown>) => Record<string, unknown>>>> = {};

export type PayloadOf<T extends EventType> = InstanceType<PayloadClasses[T]>;
export type Event<T extends EventType = EventType> = EventEnvelope<T, PayloadOf<T>>;
/** A discriminated union over every event: narrow on `type`. */
export type AnyEvent = { [K in EventType]: Event<K> }[EventType];
