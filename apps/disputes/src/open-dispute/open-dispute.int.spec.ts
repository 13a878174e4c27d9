import { randomUUID } from 'crypto';
import { daysAgo, DisputesHarness, startDisputes } from '../test/disputes-harness';

describe('opening a dispute (real Postgres)', () => {
  let h: DisputesHarness;
  beforeAll(async () => {
    h = await startDisputes();
  });
  afterAll(async () => {
    await h?.close();
  });

  const counts = async () => {
    const { rows } = await h.svc.database.query<{ disputes: number; events: number }>(
      'SELECT (SELECT count(*)::int FROM lead_disputes) AS disputes, (SELECT count(*)::int FROM outbox) AS events',
    );
    return rows[0];
  };
  const details = { disputeType: 'invalid_contact', description: 'The number does not exist; three calls failed.' };

  it('POST /clinic/disputes/create/:leadId opens a pending dispute for the charged credits, emits DisputeCreated and logs it', async () => {
    const charge = await h.charge({ clinicId: 'clinic-a', credits: 300 });
    const { leadId } = charge.payload;
    const response = await h.http().post(`/clinic/disputes/create/${leadId}`).auth(h.token('clinic', 'clinic-a'), { type: 'bearer' }).send(details).expect(201);

    expect(response.body).toMatchObject({ leadId, clinicId: 'clinic-a', status: 'pending', chargedCredits: 300, disputeType: 'invalid_contact', refundAmount: null, resolvedAt: null });
    const { rows } = await h.svc.database.query('SELECT * FROM lead_disputes WHERE lead_id = $1', [leadId]);
    expect(rows).toEqual([expect.objectContaining({ id: response.body.id, clinic_id: 'clinic-a', status: 'pending', description: details.description, charged_credits: 300 })]);
    const [event] = await h.outbox('DisputeCreated');
    expect(event).toMatchObject({
      type: 'DisputeCreated',
      producer: 'disputes',
      clinicId: 'clinic-a',
      payload: { disputeId: response.body.id, clinicId: 'clinic-a', leadId, disputeType: 'invalid_contact', description: details.description, chargedCredits: 300 },
    });
    expect(h.logs.some((line) => line.msg === `Dispute created: Lead ${leadId}, Type invalid_contact` && line.correlationId)).toBe(true);
  });

  it('POST /clinic/disputes takes the lead in the body, through the same rules', async () => {
    const { payload } = await h.charge({ clinicId: 'clinic-a', credits: 150 });
    const response = await h.http().post('/clinic/disputes').auth(h.token('clinic', 'clinic-a'), { type: 'bearer' })
      .send({ leadId: payload.leadId, disputeType: 'duplicate_lead', description: 'Same patient sent twice today.' }).expect(201);
    expect(response.body).toMatchObject({ leadId: payload.leadId, disputeType: 'duplicate_lead', chargedCredits: 150 });
    await h.http().post('/clinic/disputes').auth(h.token('clinic', 'clinic-a'), { type: 'bearer' }).send({ leadId: payload.leadId, ...details }).expect(409);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const { payload } = await h.charge({ clinicId: 'clinic-a' });
    const before = await counts();
    const token = h.token('clinic', 'clinic-a');
    const cases: Array<[string, object, string]> = [
      [`/clinic/disputes/create/${payload.leadId}`, { ...details, disputeType: 'too_expensive' }, 'disputeType'],
      [`/clinic/disputes/create/${payload.leadId}`, { ...details, description: 'too short' }, 'description'],
      [`/clinic/disputes/create/${payload.leadId}`, { ...details, description: 'x'.repeat(2001) }, 'description'],
      [`/clinic/disputes/create/${payload.leadId}`, { ...details, description: '          padded          ' }, 'description'],
      [`/clinic/disputes/create/${payload.leadId}`, { disputeType: 'other' }, 'description'],
      [`/clinic/disputes/create/${payload.leadId}`, { ...details, status: 'approved' }, 'status'],
      ['/clinic/disputes/create/not-a-uuid', details, 'leadId'],
      ['/clinic/disputes', details, 'leadId'],
      ['/clinic/disputes', { ...details, leadId: 42 }, 'leadId'],
    ];
    for (const [path, body, field] of cases) {
      const response = await h.http().post(path).auth(token, { type: 'bearer' }).send(body);
      expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 });
      expect(response.body.message).toContain(field);
    }
    expect(await counts()).toEqual(before);
  });

  it('only the caller’s own charged lead: unknown and other clinics’ leads are 404, and nothing is written', async () => {
    const other = await h.charge({ clinicId: 'clinic-b' });
    const before = await counts();
    const token = h.token('clinic', 'clinic-a');
    const unknown = await h.http().post(`/clinic/disputes/create/${randomUUID()}`).auth(token, { type: 'bearer' }).send(details).expect(404);
    expect(unknown.body.message).toMatch(/no charged lead/);
    await h.http().post(`/clinic/disputes/create/${other.payload.leadId}`).auth(token, { type: 'bearer' }).send(details).expect(404);
    await h.http().post('/clinic/disputes').auth(token, { type: 'bearer' }).send({ leadId: other.payload.leadId, ...details }).expect(404);
    expect(await counts()).toEqual(before);
  });

  it('only within the dispute window (7 days after the charge): later is 422 with the closing time', async () => {
    const token = h.token('clinic', 'clinic-a');
    const recent = await h.charge({ clinicId: 'clinic-a', chargedAt: daysAgo(6.9) });
    await h.http().post(`/clinic/disputes/create/${recent.payload.leadId}`).auth(token, { type: 'bearer' }).send(details).expect(201);

    const old = await h.charge({ clinicId: 'clinic-a', chargedAt: daysAgo(7.01) });
    const before = await counts();
    const late = await h.http().post(`/clinic/disputes/create/${old.payload.leadId}`).auth(token, { type: 'bearer' }).send(details).expect(422);
    expect(late.body.message).toMatch(/dispute window .* closed at .*7 days after the charge/);
    expect(await counts()).toEqual(before);
  });

  it('one dispute per lead, also when two requests race', async () => {
    const { payload } = await h.charge({ clinicId: 'clinic-a' });
    const token = h.token('clinic', 'clinic-a');
    const statuses = await Promise.all(
      [0, 1, 2].map(() => h.http().post(`/clinic/disputes/create/${payload.leadId}`).auth(token, { type: 'bearer' }).send(details).then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([201, 409, 409]);
    const { rows } = await h.svc.database.query('SELECT count(*)::int AS n FROM lead_disputes WHERE lead_id = $1', [payload.leadId]);
    expect(rows[0].n).toBe(1);
    const events = (await h.outbox('DisputeCreated')).filter((event) => event.payload.leadId === payload.leadId);
    expect(events).toHaveLength(1);
  });

  it('only clinic tokens may open disputes (401 without a token, 403 for other roles)', async () => {
    const { payload } = await h.charge({ clinicId: 'clinic-a' });
    const before = await counts();
    for (const path of [`/clinic/disputes/create/${payload.leadId}`, '/clinic/disputes']) {
      const body = { leadId: payload.leadId, ...details };
      await h.http().post(path).send(body).expect(401);
      await h.http().post(path).auth('not-a-jwt', { type: 'bearer' }).send(body).expect(401);
      for (const role of ['admin', 'ops', 'marketplace'] as const) {
        await h.http().post(path).auth(h.token(role), { type: 'bearer' }).send(body).expect(403);
      }
    }
    expect(await counts()).toEqual(before);
  });
});
