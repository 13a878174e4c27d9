import { randomUUID } from 'crypto';
import { createEvent, topicOf, eventHeaders, AnyEvent } from '@clinic/contracts';
import { createTransport, Transport } from '@clinic/messaging';
import { waitFor } from '@clinic/testing';
import { DisputesHarness, startDisputes } from '../test/disputes-harness';

// Through the real event bus: the ledger's events published on the embedded log (the same
// Postgres database) reach the service's @EventPattern handlers, with the inbox deduplicating.
describe('ledger events over the embedded event bus (real Postgres)', () => {
  let h: DisputesHarness;
  let ledger: Transport;
  beforeAll(async () => {
    h = await startDisputes();
    ledger = createTransport({ clientId: 'test-ledger', eventLogDatabaseUrl: h.svc.databaseUrl });
    await ledger.ensureTopics([topicOf('CreditsDeducted')]);
  });
  afterAll(async () => {
    await ledger?.close();
    await h?.close();
  });

  const publish = (...events: AnyEvent[]) =>
    ledger.publish(events.map((event) => ({ topic: topicOf(event.type), key: event.clinicId, value: JSON.stringify(event), headers: eventHeaders(event) })));
  const chargedLead = async (leadId: string) => (await h.svc.database.query('SELECT * FROM charged_leads WHERE lead_id = $1', [leadId])).rows[0];

  it('CreditsDeducted keeps a copy of the charge once, even when delivered twice; disputes then open on it', async () => {
    const leadId = randomUUID();
    const chargedAt = new Date(Date.now() - 3600_000).toISOString();
    const deducted = createEvent(
      'CreditsDeducted',
      { transactionId: randomUUID(), leadId, clinicId: 'clinic-bus', credits: 400, balanceAfter: 100, streamVersion: 5, tier: 'T5', pricingVersion: 1, packagePricePaise: 7_000_000, chargedAt },
      { producer: 'ledger', clinicId: 'clinic-bus' },
    );
    await publish(deducted, deducted);
    const row = await waitFor(() => chargedLead(leadId), { description: 'charged lead copy' });
    expect(row).toMatchObject({ clinic_id: 'clinic-bus', credits: 400, refunded_credits: 0, transaction_id: deducted.payload.transactionId });
    expect(row.charged_at.toISOString()).toBe(chargedAt);
    const inbox = await h.svc.database.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [deducted.eventId]);
    expect(inbox.rows[0].n).toBe(1);

    const token = h.token('clinic', 'clinic-bus');
    const opened = await h.http().post(`/clinic/disputes/create/${leadId}`).auth(token, { type: 'bearer' })
      .send({ disputeType: 'other', description: 'Patient wanted a different clinic.' }).expect(201);
    await h.http().post(`/admin/disputes/${opened.body.id}/approve`).auth(h.token('admin'), { type: 'bearer' }).send({ refundAmount: 100 }).expect(200);

    const refunded = createEvent(
      'CreditsRefunded',
      { transactionId: randomUUID(), clinicId: 'clinic-bus', leadId, disputeId: opened.body.id, credits: 100, balanceAfter: 200, streamVersion: 6 },
      { producer: 'ledger', clinicId: 'clinic-bus' },
    );
    await publish(refunded, refunded);
    const dispute = await waitFor(async () => {
      const response = await h.http().get(`/clinic/disputes?status=refunded`).auth(token, { type: 'bearer' });
      return response.body.items?.[0];
    }, { description: 'dispute refunded' });
    expect(dispute).toMatchObject({ id: opened.body.id, status: 'refunded', refundAmount: 100, refundedAmount: 100 });
    expect(dispute.resolvedAt).toBe(refunded.occurredAt);
    expect((await chargedLead(leadId)).refunded_credits).toBe(100);
    expect(h.logs.filter((line) => line.msg === `Refund processed: Dispute ${opened.body.id}, Amount 100`)).toHaveLength(1);
  });

  it('publishes what it emits: DisputeCreated reaches the disputes.v1 topic of the event log', async () => {
    const { payload } = await h.charge({ clinicId: 'clinic-out' });
    const opened = await h.http().post(`/clinic/disputes/create/${payload.leadId}`).auth(h.token('clinic', 'clinic-out'), { type: 'bearer' })
      .send({ disputeType: 'duplicate_lead', description: 'Same person as yesterday.' }).expect(201);
    const published = await waitFor(async () => {
      const { rows } = await h.svc.database.query(
        `SELECT topic, key, value FROM event_log.messages WHERE topic = 'disputes.v1' AND value::jsonb->'payload'->>'disputeId' = $1`,
        [opened.body.id],
      );
      return rows[0];
    }, { description: 'DisputeCreated on the event log' });
    expect(published).toMatchObject({ topic: 'disputes.v1', key: 'clinic-out' });
    expect(JSON.parse(published.value)).toMatchObject({ type: 'DisputeCreated', producer: 'disputes' });
  });
});
