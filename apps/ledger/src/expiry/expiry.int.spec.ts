import { CreditAccounts } from '../account/credit-accounts';
import { LedgerHarness, outboxTypes, startLedger, streamOf, upstream } from '../test/ledger-harness';
import { PendingExpirySweeper } from './pending-expiry.sweeper';

const DAY = 24 * 3600_000;

describe('pending-lead expiry without a top-up (real Postgres)', () => {
  let ledger: LedgerHarness;
  beforeAll(async () => {
    ledger = await startLedger({ pendingWindowHours: 48 });
  });
  afterAll(async () => {
    await ledger?.close();
  });

  it('expires leads waiting longer than the window, leaves younger ones, and is idempotent', async () => {
    const declineAt = async (daysAgo: number, clinicId: string) => {
      const { payload } = upstream.leadCreated(clinicId);
      const accounts = new CreditAccounts(ledger.config, ledger.svc.logger, () => new Date(Date.now() - daysAgo * DAY));
      await ledger.db.transaction((tx) => accounts.execute(tx, [{ clinicId, command: { type: 'ChargeLead', leadId: payload.leadId, packagePricePaise: 0 }, provenance: { actorId: null, correlationId: null, causationId: null } }]));
      return payload.leadId;
    };
    const old = await declineAt(3, 'clinic-x1');
    const young = await declineAt(1, 'clinic-x1');
    const otherOld = await declineAt(5, 'clinic-x2');
    const sweeper = ledger.svc.app.get(PendingExpirySweeper);

    expect(await sweeper.sweepOnce()).toBe(2);
    expect(await sweeper.sweepOnce()).toBe(0);
    expect((await streamOf(ledger.db, 'clinic-x1')).map((row) => [row.transaction_type, row.lead_id])).toEqual([
      ['charge_declined', old], ['charge_declined', young], ['pending_expired', old],
    ]);
    expect((await streamOf(ledger.db, 'clinic-x2')).map((row) => [row.transaction_type, row.lead_id])).toEqual([['charge_declined', otherOld], ['pending_expired', otherOld]]);
    const { rows } = await ledger.db.query('SELECT lead_id::text AS lead_id FROM pending_leads');
    expect(rows).toEqual([{ lead_id: young }]);
    expect(await outboxTypes(ledger.db, 'clinic-x1')).toEqual(['LeadChargeDeclined', 'LeadChargeDeclined', 'PendingLeadExpired']);
  });
});
