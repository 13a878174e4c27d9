import type { EventType, PayloadOf } from '@clinic/contracts';
import { LedgerEvent } from './events';

export type IntegrationMessage = { [K in EventType]: { type: K; payload: PayloadOf<K> } }[EventType];

/** The public (contracts) form of a ledger event: what other services receive on ledger.v1. */
export function toIntegrationMessage(event: LedgerEvent): IntegrationMessage {
  switch (event.type) {
    case 'CreditsDeducted':
      return {
        type: 'CreditsDeducted',
        payload: {
          transactionId: event.transactionId,
          leadId: event.leadId,
          clinicId: event.clinicId,
          credits: -event.amount,
          balanceAfter: event.balanceAfter,
          streamVersion: event.streamVersion,
          tier: event.tier,
          pricingVersion: event.pricingVersion,
          packagePricePaise: event.packagePricePaise,
          chargedAt: event.at,
        },
      };
    case 'LeadChargeDeclined':
      return {
        type: 'LeadChargeDeclined',
        payload: {
          leadId: event.leadId,
          clinicId: event.clinicId,
          requiredCredits: event.requiredCredits,
          balance: event.balanceAfter,
          tier: event.tier,
          pricingVersion: event.pricingVersion,
        },
      };
    case 'PendingLeadExpired':
      return {
        type: 'PendingLeadExpired',
        payload: { leadId: event.leadId, clinicId: event.clinicId, waitingSince: event.waitingSince, expiredAt: event.at },
      };
    case 'CreditsPurchased':
      return {
        type: 'CreditsPurchased',
        payload: {
          transactionId: event.transactionId,
          clinicId: event.clinicId,
          paymentId: event.paymentId,
          orderId: event.orderId,
          credits: event.amount,
          amountPaise: event.amountPaise,
          balanceAfter: event.balanceAfter,
          streamVersion: event.streamVersion,
        },
      };
    case 'CreditsRefunded':
      return {
        type: 'CreditsRefunded',
        payload: {
          transactionId: event.transactionId,
          clinicId: event.clinicId,
          leadId: event.leadId,
          disputeId: event.disputeId,
          credits: event.amount,
          balanceAfter: event.balanceAfter,
          streamVersion: event.streamVersion,
        },
      };
    case 'CreditsAdjusted':
      return {
        type: 'CreditsAdjusted',
        payload: {
          transactionId: event.transactionId,
          clinicId: event.clinicId,
          amount: event.amount,
          reason: event.reason,
          idempotencyKey: event.idempotencyKey,
          actorId: event.actorId,
          balanceAfter: event.balanceAfter,
          streamVersion: event.streamVersion,
        },
      };
    case 'LowBalanceReached':
      return { type: 'LowBalanceReached', payload: { clinicId: event.clinicId, balance: event.balance, threshold: event.threshold } };
  }
}
