import { decide, decideIntake, evolve, LeadCommand, LeadEvent, LeadState, LeadStatus } from './lead';

const at = '2026-01-10T10:00:00.000Z';
const charge: LeadCommand = { type: 'RecordCharge', credits: 150, at };
const decline: LeadCommand = { type: 'RecordDecline', at };
const expiry: LeadCommand = { type: 'RecordExpiry', at };

/** given a status, when a command arrives, then these events and this resulting status. */
function given(status: LeadStatus) {
  return {
    when(command: LeadCommand) {
      const events = decide({ status }, command);
      const after = events.reduce<LeadState>(evolve, { status });
      return {
        then(expected: LeadEvent[], expectedStatus: LeadStatus) {
          expect(events).toEqual(expected);
          expect(after.status).toBe(expectedStatus);
        },
      };
    },
  };
}

describe('lead decider', () => {
  it('a charge releases a new or waiting lead, with the credits taken', () => {
    given('new').when(charge).then([{ type: 'Released', credits: 150, releasedAt: at }], 'released');
    given('pending_payment').when(charge).then([{ type: 'Released', credits: 150, releasedAt: at }], 'released');
  });

  it('a repeated charge changes nothing (idempotent)', () => {
    given('released').when(charge).then([], 'released');
  });

  it('a charge after expiry still releases: the clinic paid', () => {
    given('expired').when(charge).then([{ type: 'Released', credits: 150, releasedAt: at }], 'released');
  });

  it('a decline parks a new lead until a top-up; stale declines are ignored', () => {
    given('new').when(decline).then([{ type: 'PaymentAwaited', declinedAt: at }], 'pending_payment');
    given('pending_payment').when(decline).then([], 'pending_payment');
    given('released').when(decline).then([], 'released');
    given('expired').when(decline).then([], 'expired');
  });

  it('an expiry ends an uncharged lead only', () => {
    given('pending_payment').when(expiry).then([{ type: 'Expired', expiredAt: at }], 'expired');
    given('new').when(expiry).then([{ type: 'Expired', expiredAt: at }], 'expired');
    given('released').when(expiry).then([], 'released');
    given('expired').when(expiry).then([], 'expired');
  });

  it('nothing the ledger says applies to a duplicate (it was never offered for charging)', () => {
    for (const command of [charge, decline, expiry]) given('duplicate').when(command).then([], 'duplicate');
  });
});

describe('decideIntake', () => {
  const now = new Date('2026-02-01T00:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);

  it('the first lead for a phone at a clinic is new', () => {
    expect(decideIntake([], now, 30)).toEqual({ status: 'new' });
  });

  it('the same phone within 30 days of a chargeable lead is a duplicate of it', () => {
    for (const status of ['new', 'pending_payment', 'released'] as const) {
      expect(decideIntake([{ leadId: 'a', status, createdAt: daysAgo(29) }], now, 30)).toEqual({ status: 'duplicate', duplicateOf: 'a' });
    }
  });

  it('after the window, or after a lead the clinic never got, it is new again', () => {
    expect(decideIntake([{ leadId: 'a', status: 'released', createdAt: daysAgo(31) }], now, 30)).toEqual({ status: 'new' });
    expect(decideIntake([{ leadId: 'a', status: 'expired', createdAt: daysAgo(1) }], now, 30)).toEqual({ status: 'new' });
    expect(decideIntake([{ leadId: 'a', status: 'duplicate', createdAt: daysAgo(1) }], now, 30)).toEqual({ status: 'new' });
  });
});
