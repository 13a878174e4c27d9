import { randomUUID } from 'crypto';
import { DisputesHarness, startDisputes } from '../test/disputes-harness';

describe('resolving a dispute and the refund that follows (real Postgres)', () => {
  let h: DisputesHarness;
  let admin: string;
  beforeAll(async () => {
    h = await startDisputes();
    admin = h.token('admin');
  });
  afterAll(async () => {
    await h?.close();
  });

  async function openDispute(credits = 300, clinicId = 'clinic-a') {
    const { payload } = await h.charge({ clinicId, credits });
    const response = await h.http().post(`/clinic/disputes/create/${payload.leadId}`).auth(h.token('clinic', clinicId), { type: 'bearer' })
      .send({ disputeType: 'fake_or_spam', description: 'Patient says they never asked.' }).expect(201);
    return response.body as { id: string; leadId: string; clinicId: string };
  }
  const row = async (id: string) => (await h.svc.database.query('SELECT * FROM lead_disputes WHERE id = $1', [id])).rows[0];
  const eventsFor = async (type: string, disputeId: string) => (await h.outbox(type)).filter((event) => event.payload.disputeId === disputeId);

  it('approval defaults to the full charge: approved (not yet resolved), DisputeApproved emitted', async () => {
    const dispute = await openDispute(300);
    const response = await h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({}).expect(200);
    expect(response.body).toMatchObject({ status: 'approved', refundAmount: 300, resolvedBy: 'admin:test', resolvedAt: null });
    expect(await row(dispute.id)).toMatchObject({ status: 'approved', refund_amount: 300, resolved_by: 'admin:test', resolved_at: null });
    const [event] = await eventsFor('DisputeApproved', dispute.id);
    expect(event).toMatchObject({ producer: 'disputes', clinicId: 'clinic-a', payload: { disputeId: dispute.id, leadId: dispute.leadId, clinicId: 'clinic-a', refundAmount: 300, resolvedBy: 'admin:test' } });
    expect(event.payload).not.toHaveProperty('adminNotes');
  });

  it('a partial approval, then the ledger’s CreditsRefunded: refunded with resolved_at, logged; a redelivery changes nothing', async () => {
    const dispute = await openDispute(300);
    await h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({ refundAmount: 120, adminNotes: 'Half the calls failed' }).expect(200);
    const [approved] = await eventsFor('DisputeApproved', dispute.id);
    expect(approved.payload).toMatchObject({ refundAmount: 120, adminNotes: 'Half the calls failed' });

    const transactionId = randomUUID();
    const refund = await h.refund({ disputeId: dispute.id, leadId: dispute.leadId, clinicId: 'clinic-a', credits: 120, transactionId });
    const after = await row(dispute.id);
    expect(after).toMatchObject({ status: 'refunded', refund_amount: 120, refunded_amount: 120, refund_transaction_id: transactionId });
    expect(after.resolved_at).toEqual(new Date(refund.occurredAt));
    expect(h.logs.filter((line) => line.msg === `Refund processed: Dispute ${dispute.id}, Amount 120`)).toHaveLength(1);
    const charge = (await h.svc.database.query('SELECT refunded_credits FROM charged_leads WHERE lead_id = $1', [dispute.leadId])).rows[0];
    expect(charge.refunded_credits).toBe(120);

    await h.refund({ disputeId: dispute.id, leadId: dispute.leadId, clinicId: 'clinic-a', credits: 120, transactionId });
    expect(await row(dispute.id)).toEqual(after);
    expect((await h.svc.database.query('SELECT refunded_credits FROM charged_leads WHERE lead_id = $1', [dispute.leadId])).rows[0].refunded_credits).toBe(120);
    expect(h.logs.filter((line) => line.msg === `Refund processed: Dispute ${dispute.id}, Amount 120`)).toHaveLength(1);

    const viewed = await h.http().get(`/admin/disputes/${dispute.id}`).auth(admin, { type: 'bearer' }).expect(200);
    expect(viewed.body).toMatchObject({ status: 'refunded', refundAmount: 120, refundedAmount: 120, refundTransactionId: transactionId, resolvedAt: after.resolved_at.toISOString() });
  });

  it('refundAmount must be 1..charged (400 naming it, nothing written)', async () => {
    const dispute = await openDispute(200);
    for (const refundAmount of [0, -5, 201, 1.5, '50']) {
      const response = await h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({ refundAmount });
      expect({ refundAmount, status: response.status }).toEqual({ refundAmount, status: 400 });
      expect(response.body.message).toContain('refundAmount');
    }
    expect(await row(dispute.id)).toMatchObject({ status: 'pending', refund_amount: null });
    expect(await eventsFor('DisputeApproved', dispute.id)).toEqual([]);
    await h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({ refundAmount: 200 }).expect(200);
  });

  it('rejection needs adminNotes, resolves the dispute and emits DisputeRejected', async () => {
    const dispute = await openDispute();
    for (const body of [{}, { adminNotes: '' }, { adminNotes: '   ' }, { adminNotes: 'x'.repeat(2001) }, { adminNotes: 'ok', refundAmount: 5 }]) {
      const response = await h.http().post(`/admin/disputes/${dispute.id}/reject`).auth(admin, { type: 'bearer' }).send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.message).toMatch(/adminNotes|refundAmount/);
    }
    expect(await eventsFor('DisputeRejected', dispute.id)).toEqual([]);

    const response = await h.http().post(`/admin/disputes/${dispute.id}/reject`).auth(admin, { type: 'bearer' }).send({ adminNotes: 'We reached the patient.' }).expect(200);
    expect(response.body).toMatchObject({ status: 'rejected', adminNotes: 'We reached the patient.', resolvedBy: 'admin:test' });
    expect((await row(dispute.id)).resolved_at).toBeInstanceOf(Date);
    const [event] = await eventsFor('DisputeRejected', dispute.id);
    expect(event.payload).toEqual({ disputeId: dispute.id, clinicId: 'clinic-a', leadId: dispute.leadId, adminNotes: 'We reached the patient.', resolvedBy: 'admin:test' });
  });

  it('only pending disputes: approving or rejecting twice (or racing) is 409, with one event', async () => {
    const dispute = await openDispute();
    const statuses = await Promise.all([
      h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({}).then((r) => r.status),
      h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({}).then((r) => r.status),
      h.http().post(`/admin/disputes/${dispute.id}/reject`).auth(admin, { type: 'bearer' }).send({ adminNotes: 'no' }).then((r) => r.status),
    ]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    const decided = [...(await eventsFor('DisputeApproved', dispute.id)), ...(await eventsFor('DisputeRejected', dispute.id))];
    expect(decided).toHaveLength(1);
    const conflict = await h.http().post(`/admin/disputes/${dispute.id}/reject`).auth(admin, { type: 'bearer' }).send({ adminNotes: 'again' }).expect(409);
    expect(conflict.body.message).toMatch(/only a pending dispute/);
  });

  it('unknown dispute is 404; a malformed id is 400 naming id', async () => {
    await h.http().post(`/admin/disputes/${randomUUID()}/approve`).auth(admin, { type: 'bearer' }).send({}).expect(404);
    await h.http().post(`/admin/disputes/${randomUUID()}/reject`).auth(admin, { type: 'bearer' }).send({ adminNotes: 'x' }).expect(404);
    const bad = await h.http().post('/admin/disputes/42/approve').auth(admin, { type: 'bearer' }).send({}).expect(400);
    expect(bad.body.message).toContain('id');
  });

  it('admin only: 401 without a token, 403 for clinic (even the disputing one), ops and marketplace; nothing changes', async () => {
    const dispute = await openDispute();
    for (const action of ['approve', 'reject']) {
      const path = `/admin/disputes/${dispute.id}/${action}`;
      const body = { adminNotes: 'notes' };
      await h.http().post(path).send(body).expect(401);
      for (const token of [h.token('clinic', 'clinic-a'), h.token('clinic', 'clinic-b'), h.token('ops'), h.token('marketplace')]) {
        await h.http().post(path).auth(token, { type: 'bearer' }).send(body).expect(403);
      }
    }
    expect(await row(dispute.id)).toMatchObject({ status: 'pending' });
  });

  it('a refund for a dispute that is not approved is recorded and reported, not applied', async () => {
    const dispute = await openDispute();
    await h.refund({ disputeId: dispute.id, leadId: dispute.leadId, clinicId: 'clinic-a', credits: 50 });
    expect(await row(dispute.id)).toMatchObject({ status: 'pending' });
    expect(h.logs.some((line) => line.level === 'warn' && line.disputeId === dispute.id)).toBe(true);
    // The credits did come back, so a later approval can give at most the rest.
    const response = await h.http().post(`/admin/disputes/${dispute.id}/approve`).auth(admin, { type: 'bearer' }).send({}).expect(200);
    expect(response.body.refundAmount).toBe(250);
  });
});
