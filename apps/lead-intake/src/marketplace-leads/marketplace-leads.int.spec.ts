import { createEvent } from '@clinic/contracts';
import { waitFor } from '@clinic/testing';
import { countRows, freshPhone, LeadIntakeHarness, publish, startLeadIntake } from '../test/harness';

describe('marketplace leads: POST /leads and marketplace.leads.v1', () => {
  let h: LeadIntakeHarness;
  // Set in beforeAll: unique per run, so events of a concurrent run on a shared broker never match this file's catalog.
  let clinicId = '';
  let packageId = '';
  let sequence = 0;
  const lead = (overrides: Record<string, unknown> = {}) => ({
    marketplaceLeadId: `mkt-${process.pid}-${++sequence}`,
    clinicId,
    packageId,
    patientName: 'Arjun Mehta',
    phone: freshPhone(),
    email: 'arjun@example.com',
    submittedAt: new Date().toISOString(),
    ...overrides,
  });
  const post = (body: object, token = h.tokens.marketplace) => h.http().post('/leads').auth(token, { type: 'bearer' }).send(body);
  const leadsOf = (marketplaceLeadId: string) => countRows(h.svc, 'SELECT 1 FROM leads WHERE marketplace_lead_id = $1', [marketplaceLeadId]);
  const leadCreatedFor = (leadId: string) =>
    h.svc.database.query(`SELECT payload FROM outbox WHERE payload->>'type' = 'LeadCreated' AND payload->'payload'->>'leadId' = $1`, [leadId]).then((r) => r.rows.map((row) => row.payload));

  beforeAll(async () => {
    h = await startLeadIntake();
    clinicId = `clinic-mkt-${h.runId}`;
    packageId = `pkg-mkt-${h.runId}`;
    const put = await h.http().put(`/packages/${packageId}`).auth(h.tokens.marketplace, { type: 'bearer' }).send({ clinicId, name: 'Botox', pricePaise: 3_500_000, active: true });
    expect(put.status).toBe(200);
  });
  afterAll(() => h?.close());

  it('accepts a lead once: the same marketplace id again gives the same answer, one row, one LeadCreated', async () => {
    const body = lead({ phone: '98765 00001' });
    const first = await post(body);
    const again = await post(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await leadsOf(body.marketplaceLeadId)).toBe(1);
    const events = await leadCreatedFor(first.body.leadId);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ clinicId, packageId, packagePricePaise: 3_500_000, source: 'marketplace' });
  });

  it('concurrent retries of one marketplace lead still make one lead', async () => {
    const body = lead();
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body)));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => r.body.leadId)).size).toBe(1);
    expect(await leadsOf(body.marketplaceLeadId)).toBe(1);
  });

  it('refuses a reused marketplace id with different details (409) and writes nothing', async () => {
    const body = lead();
    expect((await post(body)).status).toBe(201);
    const conflict = await post({ ...body, phone: freshPhone() });
    expect(conflict.status).toBe(409);
    expect(conflict.body.fields).toEqual(['marketplaceLeadId']);
    expect(await leadsOf(body.marketplaceLeadId)).toBe(1);
  });

  it.each([
    [{ phone: '12345' }, 'phone'],
    [{ packageId: 'pkg-unknown' }, 'packageId'],
    [{ clinicId: 'clinic-other' }, 'clinicId'],
    [{ marketplaceLeadId: undefined }, 'marketplaceLeadId'],
    [{ pricePaise: 1 }, 'pricePaise'],
  ])('rejects %p with 400 naming %s, nothing written', async (overrides, field) => {
    const before = await countRows(h.svc, 'SELECT 1 FROM leads');
    const response = await post(lead(overrides));
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([field]);
    expect(await countRows(h.svc, 'SELECT 1 FROM leads')).toBe(before);
  });

  it('needs the marketplace role', async () => {
    expect((await h.http().post('/leads').send(lead())).status).toBe(401);
    expect((await post(lead(), h.tokens.clinic(clinicId))).status).toBe(403);
  });

  it('consumes MarketplaceLeadSubmitted from the bus; the HTTP call and a redelivery with the same marketplace id add nothing', async () => {
    const payload = lead({ phone: '+91-98765-00002' });
    const submitted = createEvent('MarketplaceLeadSubmitted', payload, { producer: 'marketplace', clinicId });
    await publish(h.svc, [submitted]);
    const row = await waitFor(
      async () => (await h.svc.database.query('SELECT lead_id, phone, source, status, duplicate_of FROM leads WHERE marketplace_lead_id = $1', [payload.marketplaceLeadId])).rows[0],
      { description: 'the consumed marketplace lead' },
    );
    expect(row).toMatchObject({ phone: '+919876500002', source: 'marketplace', status: 'new' });
    const [created] = await leadCreatedFor(row.lead_id);
    expect(created).toMatchObject({ causationId: submitted.eventId, correlationId: submitted.correlationId });

    const viaHttp = await post(payload);
    expect(viaHttp.body.leadId).toBe(row.lead_id);

    const resent = createEvent('MarketplaceLeadSubmitted', payload, { producer: 'marketplace', clinicId });
    await publish(h.svc, [resent]);
    await waitFor(() => countRows(h.svc, 'SELECT 1 FROM inbox WHERE event_id = $1', [resent.eventId]), { description: 'the resent event handled' });
    expect(await leadsOf(payload.marketplaceLeadId)).toBe(1);
    expect(await leadCreatedFor(row.lead_id)).toHaveLength(1);
  });

  it('dead-letters a marketplace lead it cannot accept (bad phone) instead of blocking the topic', async () => {
    const bad = createEvent('MarketplaceLeadSubmitted', lead({ phone: '+1 4155550100' }), { producer: 'marketplace', clinicId });
    const good = createEvent('MarketplaceLeadSubmitted', lead(), { producer: 'marketplace', clinicId });
    await publish(h.svc, [bad, good]);
    await waitFor(() => countRows(h.svc, 'SELECT 1 FROM leads WHERE marketplace_lead_id = $1', [good.payload.marketplaceLeadId]), { description: 'the good lead after the bad one' });
    // The consumer records a dead-lettered event in the inbox only after the DLQ publish succeeded.
    await waitFor(() => countRows(h.svc, `SELECT 1 FROM inbox WHERE event_id = $1 AND outcome = 'dead-lettered'`, [bad.eventId]), { description: 'the bad lead dead-lettered' });
    expect(await leadsOf(bad.payload.marketplaceLeadId)).toBe(0);
  });
});
