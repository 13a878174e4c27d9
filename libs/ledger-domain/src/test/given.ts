import { AccountState, DecideContext, LedgerCommand, decide, fold, initialAccount } from '../account';
import { LedgerEvent, isRecorded } from '../events';

export const CLINIC = 'clinic-1';
export const NOW = '2026-01-10T12:00:00.000Z';

/** Deterministic ids and clock, so specs can spell out whole events. */
export function fixedContext(now = NOW): DecideContext {
  let next = 0;
  return { now, newId: () => `tx-${++next}` };
}

/**
 * given(history).when(command).then(expected events) — or .thenRejects(code).
 * `given` folds the history onto a fresh account; ids in `then` come from fixedContext (tx-1, tx-2, ...).
 */
export function given(history: LedgerEvent[] = [], options: { threshold?: number; state?: AccountState } = {}) {
  const state = fold(options.state ?? initialAccount(CLINIC, options.threshold ?? 500), history);
  return {
    state,
    when(command: LedgerCommand, context: DecideContext = fixedContext()) {
      const run = () => decide(command, state, context);
      return {
        then(expected: unknown[]) {
          expect(run()).toEqual(expected);
        },
        thenRejects(code: string) {
          expect(run).toThrow(expect.objectContaining({ code }));
        },
        events: run,
      };
    },
  };
}

/** History builders: recorded events with consecutive versions and running balances. */
export type Step = (version: number, balance: number) => LedgerEvent;

export function history(...steps: Step[]): LedgerEvent[] {
  return extend([], ...steps);
}

/** Continues a history: versions and balances carry on from its last recorded event. */
export function extend(earlier: LedgerEvent[], ...steps: Step[]): LedgerEvent[] {
  const events: LedgerEvent[] = [...earlier];
  const last = [...earlier].reverse().find(isRecorded);
  let version = last ? last.streamVersion : 0;
  let balance = last ? last.balanceAfter : 0;
  for (const step of steps) {
    const event = step(version + 1, balance);
    if (event.type !== 'LowBalanceReached') {
      version = event.streamVersion;
      balance = event.balanceAfter;
    }
    events.push(event);
  }
  return events;
}

const base = (version: number, balance: number, amount: number, at: string) => ({
  clinicId: CLINIC,
  transactionId: `h-${version}`,
  streamVersion: version,
  amount,
  balanceAfter: balance + amount,
  at,
});

export const purchased = (credits: number, paymentId = `pay-${credits}`, at = '2026-01-01T00:00:00.000Z') =>
  (version: number, balance: number): LedgerEvent => ({ ...base(version, balance, credits, at), type: 'CreditsPurchased', paymentId, orderId: `order-${paymentId}`, amountPaise: credits * 100 });

export const charged = (leadId: string, credits = 100, at = '2026-01-02T00:00:00.000Z') =>
  (version: number, balance: number): LedgerEvent => ({
    ...base(version, balance, -credits, at), type: 'CreditsDeducted', leadId, tier: 'T1', pricingVersion: 1, packagePricePaise: 100_000,
  });

export const declined = (leadId: string, credits = 100, at = '2026-01-05T00:00:00.000Z', packagePricePaise = 100_000) =>
  (version: number, balance: number): LedgerEvent => ({
    ...base(version, balance, 0, at), type: 'LeadChargeDeclined', leadId, requiredCredits: credits, tier: credits === 100 ? 'T1' : 'T2', pricingVersion: 1, packagePricePaise,
  });

export const refunded = (leadId: string, credits: number, disputeId: string) =>
  (version: number, balance: number): LedgerEvent => ({ ...base(version, balance, credits, '2026-01-03T00:00:00.000Z'), type: 'CreditsRefunded', leadId, disputeId });
