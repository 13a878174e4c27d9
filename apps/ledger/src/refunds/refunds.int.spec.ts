import { LedgerHarness, balanceOf, startLedger, streamOf, upstream } from '../test/ledger-harness';

describe('refunds on approved disputes (real Postgres)', () => {
  let ledger: LedgerHarness;
  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(async () => {
    await ledger?.close();
  });
  const apply = (...events: Parameters<LedgerHarness['batch']['applyEvents']>[1]) => ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, events));

  it('refunds at most what the lead cost minus earlier refunds, each dispute once', async () => {
    const clinicId = 'clinic-refunds';
    const lead = upstream.leadCreated(clinicId, { packagePricePaise: 800_000 }); // T2: 150 credits
    await apply(upstream.paymentVerified(clinicId, 1000), lead);
    const first = upstream.disputeApproved(clinicId, lead.payload.leadId, 100);
    await apply(first, first, { ...first, eventId: crypto.randomUUID() });
    await apply(upstream.disputeApproved(clinicId, lead.payload.leadId, 500));
    await apply(upstream.disputeApproved(clinicId, lead.payload.leadId, 10));

    const refunds = (await streamOf(ledger.db, clinicId)).filter((row) => row.transaction_type === 'refund');
    expect(refunds.map((row) => row.amount)).toEqual([100, 50]);
    expect(await balanceOf(ledger.db, clinicId)).toMatchObject({ balance: 1000, version: 4 });
    const { rows } = await ledger.db.query('SELECT lifetime_refunded, lifetime_spent FROM clinic_balances WHERE clinic_id = $1', [clinicId]);
    expect(rows[0]).toEqual({ lifetime_refunded: 150, lifetime_spent: 150 });
    expect(ledger.logs.filter((line) => line.msg === `Credit refund: Clinic ${clinicId}, Amount 100`)).toEqual([
      expect.objectContaining({ level: 'info', clinicId, amount: 100, leadId: lead.payload.leadId, correlationId: first.correlationId }),
    ]);
  });

  it('refunds nothing for a lead that was never charged, or charged to another clinic', async () => {
    const lead = upstream.leadCreated('clinic-a');
    await apply(upstream.paymentVerified('clinic-a', 500), lead);
    await apply(upstream.disputeApproved('clinic-b', lead.payload.leadId, 100), upstream.disputeApproved('clinic-a', crypto.randomUUID(), 100));
    expect((await streamOf(ledger.db, 'clinic-b')).length).toBe(0);
    expect((await streamOf(ledger.db, 'clinic-a')).map((row) => row.transaction_type)).toEqual(['purchase', 'deduction']);
  });
});
