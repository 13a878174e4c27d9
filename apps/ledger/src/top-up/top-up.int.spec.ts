import { CreditAccounts } from '../account/credit-accounts';
import { LedgerHarness, balanceOf, outboxTypes, startLedger, streamOf, upstream } from '../test/ledger-harness';

const DAY = 24 * 3600_000;

describe('top-ups (real Postgres)', () => {
  let ledger: LedgerHarness;
  beforeAll(async () => {
    ledger = await startLedger({ pendingWindowHours: 168 });
  });
  afterAll(async () => {
    await ledger?.close();
  });

  /** The write path with its clock set back, as if the lead had been declined `daysAgo` days ago. */
  const declineAt = async (daysAgo: number, clinicId: string) => {
    const lead = upstream.leadCreated(clinicId);
    const accounts = new CreditAccounts(ledger.config, ledger.svc.logger, () => new Date(Date.now() - daysAgo * DAY));
    await ledger.db.transaction((tx) =>
      accounts.execute(tx, [{ clinicId, command: { type: 'ChargeLead', leadId: lead.payload.leadId, packagePricePaise: 0 }, provenance: { actorId: null, correlationId: null, causationId: null } }]),
    );
    return lead.payload.leadId;
  };

  it('credits a payment once, and does not charge a lead that waited past the window: it expires', async () => {
    const clinicId = 'clinic-expiry';
    const stale = await declineAt(8, clinicId);
    const fresh = await declineAt(6, clinicId);
    const payment = upstream.paymentVerified(clinicId, 300);
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [payment, { ...payment, eventId: crypto.randomUUID() }]));
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [payment]));

    expect((await streamOf(ledger.db, clinicId)).map(({ transaction_type, lead_id, balance_after }) => ({ transaction_type, lead_id, balance_after }))).toEqual([
      { transaction_type: 'charge_declined', lead_id: stale, balance_after: 0 },
      { transaction_type: 'charge_declined', lead_id: fresh, balance_after: 0 },
      { transaction_type: 'purchase', lead_id: null, balance_after: 300 },
      { transaction_type: 'pending_expired', lead_id: stale, balance_after: 300 },
      { transaction_type: 'deduction', lead_id: fresh, balance_after: 200 },
    ]);
    const { rows } = await ledger.db.query('SELECT lead_id FROM pending_leads WHERE clinic_id = $1', [clinicId]);
    expect(rows).toEqual([]);
    expect(await outboxTypes(ledger.db, clinicId)).toEqual(['LeadChargeDeclined', 'LeadChargeDeclined', 'CreditsPurchased', 'PendingLeadExpired', 'CreditsDeducted']);
    expect(ledger.logs.filter((line) => line.msg === `Credit purchase: Clinic ${clinicId}, Amount 300`)).toHaveLength(1);
    expect(ledger.logs.filter((line) => line.msg === `Credit deduction: Clinic ${clinicId}, Amount 100`)).toHaveLength(1);
  });

  it('emits LowBalanceReached once per crossing below the clinic threshold', async () => {
    const clinicId = 'clinic-low';
    const apply = (...events: Parameters<LedgerHarness['batch']['applyEvents']>[1]) => ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, events));
    await apply(upstream.paymentVerified(clinicId, 700));
    await apply(upstream.leadCreated(clinicId, { packagePricePaise: 3_000_000 })); // T4: 300 → 400, crossing
    await apply(upstream.leadCreated(clinicId)); // 300, still below: no second alert
    await apply(upstream.paymentVerified(clinicId, 300)); // 600, above again
    await apply(upstream.leadCreated(clinicId, { packagePricePaise: 1_500_000 })); // T3: 200 → 400, a new crossing
    expect((await outboxTypes(ledger.db, clinicId)).filter((type) => type === 'LowBalanceReached')).toHaveLength(2);
    expect(await balanceOf(ledger.db, clinicId)).toMatchObject({ balance: 400, low_balance: true });
    const { rows } = await ledger.db.query(`SELECT payload->'payload' AS payload FROM outbox WHERE key = $1 AND payload->>'type' = 'LowBalanceReached' ORDER BY position`, [clinicId]);
    expect(rows.map((row) => row.payload)).toEqual([{ clinicId, balance: 400, threshold: 500 }, { clinicId, balance: 400, threshold: 500 }]);
  });
});
