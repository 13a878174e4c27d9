import fc from 'fast-check';
import { AccountSession, AccountState, LedgerCommand, decide, emptySummary, evolveSummary, fold, initialAccount, run as runCommand, CommandRejected } from './account';
import { LedgerEvent, isRecorded } from './events';

const DAY = 24 * 3600_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

const leadId = fc.constantFrom('l1', 'l2', 'l3', 'l4', 'l5', 'l6');
const command: fc.Arbitrary<LedgerCommand> = fc.oneof(
  fc.record({ type: fc.constant('ChargeLead' as const), leadId, packagePricePaise: fc.integer({ min: 0, max: 20_000_000 }) }),
  fc.record({
    type: fc.constant('PurchaseCredits' as const),
    paymentId: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
    orderId: fc.constant('o'),
    credits: fc.integer({ min: 1, max: 800 }),
    amountPaise: fc.constant(100),
    pendingWindowMs: fc.constantFrom(DAY, 7 * DAY),
  }),
  fc.record({ type: fc.constant('RefundLead' as const), disputeId: fc.constantFrom('d1', 'd2', 'd3', 'd4'), leadId, refundAmount: fc.integer({ min: 1, max: 600 }) }),
  fc.record({
    type: fc.constant('AdjustBalance' as const),
    idempotencyKey: fc.constantFrom('k1', 'k2', 'k3'),
    amount: fc.integer({ min: -700, max: 700 }),
    reason: fc.constant('r'),
    actorId: fc.constant('admin'),
  }),
  fc.record({ type: fc.constant('ExpirePendingLeads' as const), pendingWindowMs: fc.constantFrom(DAY, 7 * DAY) }),
);
/** Commands with the hours that pass before each. */
const script = fc.array(fc.tuple(command, fc.integer({ min: 0, max: 72 })), { maxLength: 60 });

/** Runs a script through decide/evolve as the service would, skipping rejected commands. */
function run(steps: Array<[LedgerCommand, number]>, threshold: number) {
  let state = initialAccount('c', threshold);
  const events: LedgerEvent[] = [];
  let clock = START;
  let ids = 0;
  for (const [cmd, hours] of steps) {
    clock += hours * 3600_000;
    try {
      const base = (ids += 1000);
      const context = () => {
        let next = base;
        return { now: new Date(clock).toISOString(), newId: () => `t${++next}` };
      };
      const decided = decide(cmd, state, context());
      const folded = fold(state, decided);
      // run() hands back the state its events lead to, without folding twice: the same state.
      expect(runCommand(cmd, state, context())).toEqual({ events: decided, state: folded });
      state = folded;
      events.push(...decided);
    } catch (error) {
      if (!(error instanceof CommandRejected)) throw error;
    }
  }
  return { state, events };
}

const threshold = fc.integer({ min: 0, max: 1000 });

describe('credit account properties', () => {
  it('never lets the balance go negative; every balanceAfter is the running sum of amounts; versions are gap-free', () => {
    fc.assert(
      fc.property(script, threshold, (steps, limit) => {
        const { state, events } = run(steps, limit);
        let sum = 0;
        let version = 0;
        for (const event of events.filter(isRecorded)) {
          sum += event.amount;
          expect(event.balanceAfter).toBe(sum);
          expect(event.balanceAfter).toBeGreaterThanOrEqual(0);
          expect(event.streamVersion).toBe(++version);
        }
        expect(state.balance).toBe(sum);
        expect(state.version).toBe(version);
      }),
    );
  });

  it('folding the events again, from scratch, gives the same state (twice over)', () => {
    fc.assert(
      fc.property(script, threshold, (steps, limit) => {
        const { state, events } = run(steps, limit);
        const once = fold(initialAccount('c', limit), events);
        expect(once).toEqual(state);
        expect(fold(initialAccount('c', limit), events)).toEqual(once);
        // The lean summary fold (used by rebuild and verify) agrees with the full one.
        const summary = events.reduce(evolveSummary, emptySummary('c', limit));
        const { leads: _l, pending: _p, payments: _pay, disputes: _d, adjustments: _a, ...figures } = state as AccountState;
        expect(summary).toEqual(figures);
      }),
    );
  });

  it('charges a lead at most once, credits a payment at most once, refunds a lead at most what was charged', () => {
    fc.assert(
      fc.property(script, threshold, (steps, limit) => {
        const { events } = run(steps, limit);
        const charges = events.filter((e) => e.type === 'CreditsDeducted').map((e) => (e.type === 'CreditsDeducted' ? e.leadId : ''));
        expect(new Set(charges).size).toBe(charges.length);
        const payments = events.flatMap((e) => (e.type === 'CreditsPurchased' ? [e.paymentId] : []));
        expect(new Set(payments).size).toBe(payments.length);
        const disputes = events.flatMap((e) => (e.type === 'CreditsRefunded' ? [e.disputeId] : []));
        expect(new Set(disputes).size).toBe(disputes.length);
        for (const lead of new Set(charges)) {
          const charged = events.reduce((n, e) => n + (e.type === 'CreditsDeducted' && e.leadId === lead ? -e.amount : 0), 0);
          const refunded = events.reduce((n, e) => n + (e.type === 'CreditsRefunded' && e.leadId === lead ? e.amount : 0), 0);
          expect(refunded).toBeLessThanOrEqual(charged);
        }
      }),
    );
  });

  it('one AccountSession taking the whole script (a batch) decides the same events and reaches the same state, leaving its input alone', () => {
    fc.assert(
      fc.property(script, threshold, (steps, limit) => {
        const { state, events } = run(steps, limit);
        const start = initialAccount('c', limit);
        const untouched = structuredClone(start);
        let clock = START;
        let next = 0;
        let base = 0;
        const context = { get now() { return new Date(clock).toISOString(); }, newId: () => `t${++next}` };
        const session = new AccountSession(start, context);
        const batched: LedgerEvent[] = [];
        for (const [cmd, hours] of steps) {
          clock += hours * 3600_000;
          next = base += 1000; // the same ids as run() above
          try {
            batched.push(...session.run(cmd));
          } catch (error) {
            if (!(error instanceof CommandRejected)) throw error;
          }
        }
        expect(batched).toEqual(events);
        expect(session.state).toEqual(state);
        expect(start).toEqual(untouched);
      }),
    );
  });

  it('alerts exactly once per crossing below the threshold', () => {
    fc.assert(
      fc.property(script, threshold, (steps, limit) => {
        const { events } = run(steps, limit);
        let balance = 0;
        let crossings = 0;
        for (const event of events.filter(isRecorded)) {
          if (balance >= limit && event.balanceAfter < limit) crossings++;
          balance = event.balanceAfter;
        }
        expect(events.filter((e) => e.type === 'LowBalanceReached')).toHaveLength(crossings);
      }),
    );
  });
});
