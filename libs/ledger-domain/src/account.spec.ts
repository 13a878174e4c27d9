import { AccountSession, initialAccount } from './account';
import { CLINIC, NOW, fixedContext, charged, declined, extend, given, history, purchased, refunded } from './test/given';

const LEAD = 'lead-a';
const DAY = 24 * 3600_000;
const WEEK = 7 * DAY;

describe('ChargeLead', () => {
  it('deducts the tier price when the balance covers it', () => {
    given(history(purchased(1000))).when({ type: 'ChargeLead', leadId: LEAD, packagePricePaise: 800_000 }).then([
      {
        type: 'CreditsDeducted', clinicId: CLINIC, transactionId: 'tx-1', streamVersion: 2, amount: -150, balanceAfter: 850, at: NOW,
        leadId: LEAD, tier: 'T2', pricingVersion: 1, packagePricePaise: 800_000,
      },
    ]);
  });

  it('declines and queues the lead when the balance is short, leaving the balance alone', () => {
    const state = given(history(purchased(120))).state;
    given(history(purchased(120))).when({ type: 'ChargeLead', leadId: LEAD, packagePricePaise: 800_000 }).then([
      {
        type: 'LeadChargeDeclined', clinicId: CLINIC, transactionId: 'tx-1', streamVersion: 2, amount: 0, balanceAfter: 120, at: NOW,
        leadId: LEAD, requiredCredits: 150, tier: 'T2', pricingVersion: 1, packagePricePaise: 800_000,
      },
    ]);
    expect(state.balance).toBe(120);
  });

  it('charges exactly down to zero', () => {
    const events = given(history(purchased(100)), { threshold: 0 }).when({ type: 'ChargeLead', leadId: LEAD, packagePricePaise: 0 }).events();
    expect(events).toEqual([expect.objectContaining({ type: 'CreditsDeducted', balanceAfter: 0 })]);
  });

  it.each([
    ['charged', history(purchased(1000), charged(LEAD))],
    ['waiting', history(declined(LEAD))],
  ])('does nothing for a lead already %s (a redelivery with a new eventId)', (_, events) => {
    given(events).when({ type: 'ChargeLead', leadId: LEAD, packagePricePaise: 100 }).then([]);
  });
});

describe('LowBalanceReached', () => {
  it('is emitted when a charge crosses below the threshold', () => {
    given(history(purchased(550))).when({ type: 'ChargeLead', leadId: LEAD, packagePricePaise: 100 }).then([
      expect.objectContaining({ type: 'CreditsDeducted', balanceAfter: 450 }),
      { type: 'LowBalanceReached', clinicId: CLINIC, balance: 450, threshold: 500, at: NOW },
    ]);
  });

  it('is not repeated while the balance stays below, and comes again after a top-up above and a new crossing', () => {
    const low = history(purchased(550), charged('l1'), (v, b) => ({ type: 'LowBalanceReached', clinicId: CLINIC, balance: b, threshold: 500, at: NOW }));
    given(low).when({ type: 'ChargeLead', leadId: 'l2', packagePricePaise: 100 }).then([expect.objectContaining({ type: 'CreditsDeducted', balanceAfter: 350 })]);
    const toppedUp = extend(low, purchased(100), purchased(100, 'pay-2'));
    const state = given(toppedUp).state;
    expect(state).toMatchObject({ balance: 650, lowBalance: false });
    given(toppedUp).when({ type: 'ChargeLead', leadId: 'l3', packagePricePaise: 2_000_000 }).then([
      expect.objectContaining({ type: 'CreditsDeducted', balanceAfter: 450 }),
      expect.objectContaining({ type: 'LowBalanceReached', balance: 450 }),
    ]);
  });

  it('is not sent for an account that never rose above the threshold', () => {
    given(history(purchased(300))).when({ type: 'ChargeLead', leadId: LEAD, packagePricePaise: 100 }).then([
      expect.objectContaining({ type: 'CreditsDeducted', balanceAfter: 200 }),
    ]);
  });
});

describe('PurchaseCredits', () => {
  const purchase = { type: 'PurchaseCredits' as const, paymentId: 'pay-9', orderId: 'order-9', credits: 300, amountPaise: 30_000, pendingWindowMs: WEEK };

  it('credits the balance once per payment', () => {
    given().when(purchase).then([
      {
        type: 'CreditsPurchased', clinicId: CLINIC, transactionId: 'tx-1', streamVersion: 1, amount: 300, balanceAfter: 300, at: NOW,
        paymentId: 'pay-9', orderId: 'order-9', amountPaise: 30_000,
      },
    ]);
    given(history(purchased(300, 'pay-9'))).when(purchase).then([]);
  });

  it('then charges waiting leads oldest first while the balance allows, at the price they were declined at', () => {
    const waiting = history(declined('old', 100, '2026-01-08T00:00:00.000Z'), declined('mid', 150, '2026-01-09T00:00:00.000Z', 600_000), declined('new', 100, '2026-01-09T06:00:00.000Z'));
    given(waiting).when({ ...purchase, credits: 260 }).then([
      expect.objectContaining({ type: 'CreditsPurchased', streamVersion: 4, balanceAfter: 260 }),
      expect.objectContaining({ type: 'CreditsDeducted', streamVersion: 5, leadId: 'old', amount: -100, balanceAfter: 160 }),
      expect.objectContaining({ type: 'CreditsDeducted', streamVersion: 6, leadId: 'mid', amount: -150, balanceAfter: 10, tier: 'T2', packagePricePaise: 600_000 }),
    ]);
  });

  it('keeps strict order: a waiting lead the balance cannot cover holds back the ones behind it', () => {
    const waiting = history(declined('expensive', 150, '2026-01-08T00:00:00.000Z'), declined('cheap', 100, '2026-01-09T00:00:00.000Z'));
    const events = given(waiting).when({ ...purchase, credits: 120 }).events();
    expect(events.map((event) => event.type)).toEqual(['CreditsPurchased']);
  });

  it('expires leads that waited longer than the window instead of charging them', () => {
    const waiting = history(declined('stale', 100, '2026-01-01T00:00:00.000Z'), declined('fresh', 100, '2026-01-09T00:00:00.000Z'));
    given(waiting).when(purchase).then([
      expect.objectContaining({ type: 'CreditsPurchased', balanceAfter: 300 }),
      { type: 'PendingLeadExpired', clinicId: CLINIC, transactionId: 'tx-2', streamVersion: 4, amount: 0, balanceAfter: 300, at: NOW, leadId: 'stale', waitingSince: '2026-01-01T00:00:00.000Z' },
      expect.objectContaining({ type: 'CreditsDeducted', leadId: 'fresh', balanceAfter: 200 }),
    ]);
  });
});

describe('ExpirePendingLeads', () => {
  it('expires only leads older than the window', () => {
    const waiting = history(declined('stale', 100, '2026-01-01T00:00:00.000Z'), declined('fresh', 100, '2026-01-09T00:00:00.000Z'));
    const events = given(waiting).when({ type: 'ExpirePendingLeads', pendingWindowMs: WEEK }).events();
    expect(events).toEqual([expect.objectContaining({ type: 'PendingLeadExpired', leadId: 'stale' })]);
  });
});

describe('RefundLead', () => {
  const refund = (disputeId: string, refundAmount: number) => ({ type: 'RefundLead' as const, disputeId, leadId: LEAD, refundAmount });

  it('gives back up to what was charged for the lead', () => {
    given(history(purchased(1000), charged(LEAD, 150))).when(refund('d-1', 500)).then([
      { type: 'CreditsRefunded', clinicId: CLINIC, transactionId: 'tx-1', streamVersion: 3, amount: 150, balanceAfter: 1000, at: NOW, leadId: LEAD, disputeId: 'd-1' },
    ]);
  });

  it('caps a second refund at charged minus earlier refunds, and refunds nothing once all is back', () => {
    const partly = history(purchased(1000), charged(LEAD, 150), refunded(LEAD, 100, 'd-1'));
    given(partly).when(refund('d-2', 100)).then([expect.objectContaining({ type: 'CreditsRefunded', amount: 50 })]);
    given(extend(partly, refunded(LEAD, 50, 'd-2'))).when(refund('d-3', 10)).then([]);
  });

  it('refunds each dispute once and nothing for a lead never charged', () => {
    given(history(purchased(1000), charged(LEAD, 150), refunded(LEAD, 20, 'd-1'))).when(refund('d-1', 20)).then([]);
    given(history(purchased(1000), declined(LEAD))).when(refund('d-1', 20)).then([]);
  });
});

describe('AdjustBalance', () => {
  const adjust = (amount: number, idempotencyKey = 'key-1') => ({ type: 'AdjustBalance' as const, idempotencyKey, amount, reason: 'goodwill', actorId: 'admin:1' });

  it('applies a signed amount once per idempotency key', () => {
    given(history(purchased(100))).when(adjust(-60)).then([
      { type: 'CreditsAdjusted', clinicId: CLINIC, transactionId: 'tx-1', streamVersion: 2, amount: -60, balanceAfter: 40, at: NOW, reason: 'goodwill', idempotencyKey: 'key-1', actorId: 'admin:1' },
    ]);
    const done = given(history(purchased(100))).when(adjust(-60)).events();
    given([...history(purchased(100)), ...done]).when(adjust(-60)).then([]);
  });

  it('refuses to take the balance below zero, and refuses zero', () => {
    given(history(purchased(100))).when(adjust(-101)).thenRejects('insufficient_balance');
    given(history(purchased(100))).when(adjust(0)).thenRejects('invalid_amount');
  });
});

describe('AccountSession (one working copy for a batch of commands)', () => {
  it('takes a waiting lead out of the queue even when the leads map is partial, as a top-up loads it from storage', () => {
    const waiting = { leadId: 'old', credits: 100, tier: 'T1' as const, pricingVersion: 1, packagePricePaise: 100, waitingSince: '2026-01-01T00:00:00.000Z' };
    const loaded = { ...initialAccount(CLINIC), pending: [waiting] }; // leads: {} — only the queue was loaded
    const session = new AccountSession(loaded, fixedContext());
    const purchase = { type: 'PurchaseCredits' as const, orderId: 'o', credits: 300, amountPaise: 100, pendingWindowMs: WEEK };
    expect(session.run({ ...purchase, paymentId: 'pay-1' }).map((event) => event.type)).toEqual(['CreditsPurchased', 'PendingLeadExpired']);
    expect(session.run({ ...purchase, paymentId: 'pay-2' }).map((event) => event.type)).toEqual(['CreditsPurchased']);
    expect(session.state.pending).toEqual([]);
    expect(loaded.pending).toEqual([waiting]);
  });

  it('does not charge a lead it was told is settled elsewhere, and keeps what it already knows', () => {
    const session = new AccountSession(given(history(purchased(1000))).state, fixedContext());
    session.assumeLead('elsewhere', { status: 'expired' });
    expect(session.run({ type: 'ChargeLead', leadId: 'elsewhere', packagePricePaise: 100 })).toEqual([]);
    expect(session.run({ type: 'ChargeLead', leadId: 'mine', packagePricePaise: 100 })).toHaveLength(1);
    session.assumeLead('mine', { status: 'expired' });
    expect(session.state.leads.mine).toEqual({ status: 'charged', credits: 100, refunded: 0 });
  });
});
