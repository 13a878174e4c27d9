import { randomUUID } from 'crypto';
import { waitFor } from '@clinic/testing';
import { LedgerHarness, balanceOf, outboxTypes, startLedger, streamOf, upstream } from '../test/ledger-harness';

describe('charging leads (real Postgres)', () => {
  let ledger: LedgerHarness;
  beforeAll(async () => {
    ledger = await startLedger({}, { consume: true });
  });
  afterAll(async () => {
    await ledger?.close();
  });

  it('charges exactly the 37 leads there is credit for when 200 leads arrive concurrently, each twice', async () => {
    const clinicId = 'clinic-200';
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.paymentVerified(clinicId, 37 * 100)]));
    const leads = Array.from({ length: 200 }, () => upstream.leadCreated(clinicId));
    // Each lead twice: once as redelivered (same eventId) or as a duplicate with a new eventId; shuffled.
    const deliveries = [...leads, ...leads.map((event, i) => (i % 2 === 0 ? event : { ...event, eventId: randomUUID() }))].sort(() => Math.random() - 0.5);
    const chunks = Array.from({ length: 50 }, (_, i) => deliveries.slice(i * 8, i * 8 + 8));
    await Promise.all(chunks.map((chunk) => ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, chunk))));

    const stream = await streamOf(ledger.db, clinicId);
    const charges = stream.filter((row) => row.transaction_type === 'deduction');
    const declines = stream.filter((row) => row.transaction_type === 'charge_declined');
    expect(charges).toHaveLength(37);
    expect(declines).toHaveLength(163);
    expect(new Set([...charges, ...declines].map((row) => row.lead_id)).size).toBe(200);
    expect(stream.every((row) => row.balance_after >= 0)).toBe(true);
    expect(stream.map((row) => row.stream_version)).toEqual(stream.map((_, i) => i + 1));
    expect(await balanceOf(ledger.db, clinicId)).toMatchObject({ balance: 0, version: 201 });
    const { rows: pending } = await ledger.db.query<{ count: number }>('SELECT count(*)::int AS count FROM pending_leads WHERE clinic_id = $1', [clinicId]);
    expect(pending[0].count).toBe(163);
    const types = await outboxTypes(ledger.db, clinicId);
    expect(types.filter((type) => type === 'CreditsDeducted')).toHaveLength(37);
    expect(types.filter((type) => type === 'LeadChargeDeclined')).toHaveLength(163);
    expect(types.filter((type) => type === 'LowBalanceReached')).toHaveLength(1);
  });

  it('charges a lead at one clinic only, even when a bogus copy for another clinic arrives in the same batch', async () => {
    const lead = upstream.leadCreated('clinic-poor', { packagePricePaise: 15_000_000 }); // T6: 500 credits, more than clinic-poor has
    const copy = { ...upstream.leadCreated('clinic-rich', { leadId: lead.payload.leadId, packagePricePaise: 15_000_000 }) };
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.paymentVerified('clinic-rich', 1000)]));
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [lead, copy]));

    expect((await streamOf(ledger.db, 'clinic-poor')).map((row) => row.transaction_type)).toEqual(['charge_declined']);
    expect((await streamOf(ledger.db, 'clinic-rich')).map((row) => row.transaction_type)).toEqual(['purchase']);
    expect(await balanceOf(ledger.db, 'clinic-rich')).toMatchObject({ balance: 1000 });
  });

  it('does the same through the event bus (Kafka when KAFKA_BROKERS is set): 200 leads, each delivered twice', async () => {
    const clinicId = 'clinic-200-bus';
    await ledger.publish([upstream.paymentVerified(clinicId, 37 * 100)]);
    const leads = Array.from({ length: 200 }, () => upstream.leadCreated(clinicId));
    const deliveries = [...leads, ...leads.map((event, i) => (i % 2 === 0 ? event : { ...event, eventId: randomUUID() }))].sort(() => Math.random() - 0.5);
    await Promise.all(Array.from({ length: 8 }, (_, i) => ledger.publish(deliveries.slice(i * 50, i * 50 + 50))));
    await waitFor(async () => (await balanceOf(ledger.db, clinicId))?.version === 201, { description: '201 stream rows', timeoutMs: 30_000 });
    const stream = await streamOf(ledger.db, clinicId);
    expect(stream.filter((row) => row.transaction_type === 'deduction')).toHaveLength(37);
    expect(stream.filter((row) => row.transaction_type === 'charge_declined')).toHaveLength(163);
    expect(await balanceOf(ledger.db, clinicId)).toMatchObject({ balance: 0, version: 201 });
    const { rows } = await ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE consumer_group LIKE 'ledger-test-%'`);
    expect(rows[0].n).toBeGreaterThanOrEqual(1 + 300); // every distinct eventId recorded once; redeliveries skipped
  });

  it('a top-up through the event bus charges the waiting leads oldest first', async () => {
    const clinicId = 'clinic-bus';
    const waiting = [upstream.leadCreated(clinicId), upstream.leadCreated(clinicId, { packagePricePaise: 800_000 }), upstream.leadCreated(clinicId)];
    for (const lead of waiting) await ledger.publish([lead, lead]);
    await waitFor(async () => (await streamOf(ledger.db, clinicId)).length === 3, { description: 'three declines' });

    await ledger.publish([upstream.paymentVerified(clinicId, 260)]);
    await waitFor(async () => (await balanceOf(ledger.db, clinicId))?.version === 6, { description: 'purchase and two charges' });
    const stream = await streamOf(ledger.db, clinicId);
    expect(stream.slice(3)).toEqual([
      expect.objectContaining({ transaction_type: 'purchase', amount: 260, balance_after: 260 }),
      expect.objectContaining({ transaction_type: 'deduction', amount: -100, balance_after: 160, lead_id: waiting[0].payload.leadId }),
      expect.objectContaining({ transaction_type: 'deduction', amount: -150, balance_after: 10, lead_id: waiting[1].payload.leadId }),
    ]);
    const { rows } = await ledger.db.query<{ lead_id: string }>('SELECT lead_id::text AS lead_id FROM pending_leads WHERE clinic_id = $1', [clinicId]);
    expect(rows).toEqual([{ lead_id: waiting[2].payload.leadId }]);
  });
});
