import { randomUUID } from 'crypto';
import { createEvent } from '@clinic/contracts';
import { maskPhone } from '@clinic/observability';
import { waitFor } from '@clinic/testing';
import { ChargeOutcomeHandler } from '../charge-outcome/charge-outcome.handler';
import { countRows, freshPhone, LeadIntakeHarness, leadStatus, publish, startLeadIntake } from '../test/harness';

/** Leads follow the ledger's outcome; a clinic sees its own leads, masked until charged. */
describe('clinic leads and ledger outcomes', () => {
  let h: LeadIntakeHarness;
  const clinicA = 'clinic-a';
  const clinicB = 'clinic-b';
  let sequence = 0;

  const ledger = { producer: 'ledger' };
  const deducted = (leadId: string, clinicId = clinicA, credits = 300) =>
    createEvent('CreditsDeducted', {
      transactionId: randomUUID(), leadId, clinicId, credits, balanceAfter: 200, streamVersion: 2, tier: 'T4', pricingVersion: 1,
      packagePricePaise: 3_500_000, chargedAt: new Date().toISOString(),
    }, { ...ledger, clinicId });
  const declined = (leadId: string, clinicId = clinicA) =>
    createEvent('LeadChargeDeclined', { leadId, clinicId, requiredCredits: 300, balance: 0, tier: 'T4', pricingVersion: 1 }, { ...ledger, clinicId });
  const expired = (leadId: string, clinicId = clinicA) =>
    createEvent('PendingLeadExpired', { leadId, clinicId, waitingSince: new Date().toISOString(), expiredAt: new Date().toISOString() }, { ...ledger, clinicId });

  const newLead = async (clinicId: string, phone = freshPhone()) => {
    const response = await h.http().post('/leads').auth(h.tokens.marketplace, { type: 'bearer' }).send({
      marketplaceLeadId: `cl-${process.pid}-${++sequence}`, clinicId, packageId: `pkg-${clinicId}`,
      patientName: 'Kavya Iyer', phone, email: 'kavya@example.com', message: 'Call me on 98765 43210',
    });
    expect(response.status).toBe(201);
    return { leadId: response.body.leadId as string, phone };
  };
  const get = (path: string, token: string) => h.http().get(path).auth(token, { type: 'bearer' });
  const emitted = (type: string, leadId: string) =>
    h.svc.database.query(`SELECT payload FROM outbox WHERE payload->>'type' = $1 AND payload->'payload'->>'leadId' = $2`, [type, leadId]).then((r) => r.rows.map((row) => row.payload));
  const handled = (eventId: string) => waitFor(() => countRows(h.svc, 'SELECT 1 FROM inbox WHERE event_id = $1', [eventId]), { description: `event ${eventId} handled` });

  beforeAll(async () => {
    h = await startLeadIntake();
    for (const clinicId of [clinicA, clinicB]) {
      const put = await h.http().put(`/packages/pkg-${clinicId}`).auth(h.tokens.marketplace, { type: 'bearer' }).send({ clinicId, name: 'Botox', pricePaise: 3_500_000, active: true });
      expect(put.status).toBe(200);
    }
  });
  afterAll(() => h?.close());

  it('a declined lead waits masked; once charged it is released with the full contact and LeadReleased', async () => {
    const { leadId, phone } = await newLead(clinicA);
    const masked = await get(`/clinic/leads/${leadId}`, h.tokens.clinic(clinicA));
    expect(masked.status).toBe(200);
    expect(masked.body).toMatchObject({ leadId, status: 'new', packagePricePaise: 3_500_000, contact: { patientName: 'K***', phone: maskPhone(phone), email: 'k***@example.com', message: null, masked: true } });

    const decline = declined(leadId);
    await publish(h.svc, [decline]);
    await waitFor(async () => (await leadStatus(h.svc, leadId)) === 'pending_payment', { description: 'pending_payment' });
    const waiting = await get(`/clinic/leads/${leadId}`, h.tokens.clinic(clinicA));
    expect(waiting.body).toMatchObject({ status: 'pending_payment', contact: { phone: maskPhone(phone), masked: true } });
    expect(JSON.stringify(waiting.body)).not.toContain(phone.slice(3));

    const charge = deducted(leadId);
    await publish(h.svc, [charge]);
    await waitFor(async () => (await leadStatus(h.svc, leadId)) === 'released', { description: 'released' });
    const released = await get(`/clinic/leads/${leadId}`, h.tokens.clinic(clinicA));
    expect(released.body).toMatchObject({
      status: 'released', creditsCharged: 300,
      contact: { patientName: 'Kavya Iyer', phone, email: 'kavya@example.com', message: 'Call me on 98765 43210', masked: false },
    });
    expect(await emitted('LeadReleased', leadId)).toEqual([
      expect.objectContaining({ producer: 'lead-intake', causationId: charge.eventId, correlationId: charge.correlationId, payload: expect.objectContaining({ leadId, clinicId: clinicA, credits: 300 }) }),
    ]);
  });

  it('a redelivered or repeated charge releases once; a late decline does not re-mask', async () => {
    const { leadId } = await newLead(clinicA);
    const charge = deducted(leadId);
    await publish(h.svc, [charge]);
    await handled(charge.eventId);
    const repeat = deducted(leadId);
    const lateDecline = declined(leadId);
    await appendAgain(charge);
    await publish(h.svc, [repeat, lateDecline]);
    await handled(lateDecline.eventId);
    expect(await leadStatus(h.svc, leadId)).toBe('released');
    expect(await emitted('LeadReleased', leadId)).toHaveLength(1);
  });

  it('an expired pending lead becomes expired (LeadExpired) and stays masked', async () => {
    const { leadId } = await newLead(clinicA);
    const expiry = expired(leadId);
    await publish(h.svc, [declined(leadId), expiry]);
    await handled(expiry.eventId);
    expect(await leadStatus(h.svc, leadId)).toBe('expired');
    expect(await emitted('LeadExpired', leadId)).toEqual([expect.objectContaining({ causationId: expiry.eventId, payload: expect.objectContaining({ leadId, clinicId: clinicA }) })]);
    expect((await get(`/clinic/leads/${leadId}`, h.tokens.clinic(clinicA))).body.contact.masked).toBe(true);
  });

  it('ignores ledger events about leads it does not know (and about another clinic\'s lead id)', async () => {
    const { leadId } = await newLead(clinicB);
    const stranger = deducted(randomUUID());
    const crossed = deducted(leadId, clinicA);
    await publish(h.svc, [stranger, crossed]);
    await handled(crossed.eventId);
    expect(await leadStatus(h.svc, leadId)).toBe('new');
    expect(await countRows(h.svc, `SELECT 1 FROM inbox WHERE event_id = ANY($1::uuid[]) AND outcome = 'applied'`, [[stranger.eventId, crossed.eventId]])).toBe(2);
  });

  it('the handler is callable with a plain transaction (and is idempotent there too)', async () => {
    const { leadId } = await newLead(clinicA);
    const handler = h.svc.app.get(ChargeOutcomeHandler);
    const charge = deducted(leadId, clinicA, 150);
    await h.svc.database.transaction((tx) => handler.apply(tx, charge));
    await h.svc.database.transaction((tx) => handler.apply(tx, charge));
    expect(await leadStatus(h.svc, leadId)).toBe('released');
    expect(await emitted('LeadReleased', leadId)).toHaveLength(1);
  });

  describe('GET /clinic/leads', () => {
    let clinicC: string;
    let leads: string[];
    beforeAll(async () => {
      clinicC = 'clinic-c';
      await h.http().put('/packages/pkg-clinic-c').auth(h.tokens.marketplace, { type: 'bearer' }).send({ clinicId: clinicC, name: 'Peel', pricePaise: 400_000, active: true });
      leads = [];
      for (let i = 0; i < 5; i++) leads.push((await newLead(clinicC)).leadId);
      const charge = deducted(leads[0], clinicC);
      await publish(h.svc, [charge, declined(leads[1], clinicC)]);
      await waitFor(async () => (await leadStatus(h.svc, leads[1])) === 'pending_payment');
    });

    it('lists only the caller\'s leads, newest first, paged', async () => {
      const first = await get('/clinic/leads?limit=2', h.tokens.clinic(clinicC));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, limit: 2, total: 5 });
      expect(first.body.items.map((lead: { leadId: string }) => lead.leadId)).toEqual([leads[4], leads[3]]);
      const last = await get('/clinic/leads?limit=2&page=3', h.tokens.clinic(clinicC));
      expect(last.body.items.map((lead: { leadId: string }) => lead.leadId)).toEqual([leads[0]]);
      const all = await get('/clinic/leads?limit=100', h.tokens.clinic(clinicC));
      expect(all.body.items.every((lead: { leadId: string }) => leads.includes(lead.leadId))).toBe(true);
    });

    it('filters by status, and masks every lead that is not charged', async () => {
      const released = await get('/clinic/leads?status=released', h.tokens.clinic(clinicC));
      expect(released.body.items).toEqual([expect.objectContaining({ leadId: leads[0], contact: expect.objectContaining({ masked: false }) })]);
      const pending = await get('/clinic/leads?status=pending_payment', h.tokens.clinic(clinicC));
      expect(pending.body.items).toEqual([expect.objectContaining({ leadId: leads[1], contact: expect.objectContaining({ masked: true, patientName: 'K***' }) })]);
      const fresh = await get('/clinic/leads?status=new', h.tokens.clinic(clinicC));
      expect(fresh.body.total).toBe(3);
      expect(fresh.body.items.every((lead: { contact: { masked: boolean } }) => lead.contact.masked)).toBe(true);
    });

    it.each([
      ['status=charged', 'status'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['clinicId=clinic-a', 'clinicId'],
    ])('rejects ?%s with 400 naming %s', async (query, field) => {
      const response = await get(`/clinic/leads?${query}`, h.tokens.clinic(clinicC));
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([field]);
    });

    it('scopes every route to the caller\'s clinic: 404 for another clinic\'s lead, 403 for other roles, 401 without a token', async () => {
      expect((await get(`/clinic/leads/${leads[0]}`, h.tokens.clinic(clinicA))).status).toBe(404);
      expect((await get(`/clinic/leads/${leads[0]}`, h.tokens.clinic(clinicC))).status).toBe(200);
      expect((await get(`/clinic/leads/${randomUUID()}`, h.tokens.clinic(clinicC))).status).toBe(404);
      const badId = await get('/clinic/leads/not-a-uuid', h.tokens.clinic(clinicC));
      expect(badId.status).toBe(400);
      expect(badId.body.fields).toEqual(['leadId']);
      expect((await get('/clinic/leads', h.tokens.marketplace)).status).toBe(403);
      expect((await get(`/clinic/leads/${leads[0]}`, h.tokens.admin)).status).toBe(403);
      expect((await h.http().get('/clinic/leads')).status).toBe(401);
      const other = await get('/clinic/leads?limit=100', h.tokens.clinic(clinicA));
      expect(other.body.items.some((lead: { leadId: string }) => leads.includes(lead.leadId))).toBe(false);
    });
  });

  /** The same event (same eventId) put on the bus a second time, as a redelivery would. */
  async function appendAgain(event: ReturnType<typeof deducted>): Promise<void> {
    await h.svc.database.query('DELETE FROM outbox WHERE event_id = $1', [event.eventId]);
    await publish(h.svc, [event]);
  }
});
