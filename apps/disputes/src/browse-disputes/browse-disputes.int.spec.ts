import { randomUUID } from 'crypto';
import { DisputesHarness, startDisputes } from '../test/disputes-harness';

describe('browsing disputes (real Postgres)', () => {
  let h: DisputesHarness;
  let admin: string;
  const ids: Record<string, string[]> = { 'clinic-a': [], 'clinic-b': [] };

  beforeAll(async () => {
    h = await startDisputes();
    admin = h.token('admin');
    // clinic-a: 3 disputes (one rejected), clinic-b: 2 disputes.
    for (const clinicId of ['clinic-a', 'clinic-a', 'clinic-a', 'clinic-b', 'clinic-b']) {
      const { payload } = await h.charge({ clinicId });
      const response = await h.http().post('/clinic/disputes').auth(h.token('clinic', clinicId), { type: 'bearer' })
        .send({ leadId: payload.leadId, disputeType: 'out_of_service_area', description: 'Patient lives in another city.' }).expect(201);
      ids[clinicId].push(response.body.id);
    }
    await h.http().post(`/admin/disputes/${ids['clinic-a'][0]}/reject`).auth(admin, { type: 'bearer' }).send({ adminNotes: 'In area.' }).expect(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('GET /clinic/disputes lists only the caller’s disputes, newest first, filterable by status', async () => {
    const own = await h.http().get('/clinic/disputes').auth(h.token('clinic', 'clinic-a'), { type: 'bearer' }).expect(200);
    expect(own.body).toMatchObject({ page: 1, pageSize: 20, total: 3 });
    expect(own.body.items.map((d: { id: string }) => d.id)).toEqual([...ids['clinic-a']].reverse());
    expect(own.body.items.every((d: { clinicId: string }) => d.clinicId === 'clinic-a')).toBe(true);

    const pending = await h.http().get('/clinic/disputes?status=pending').auth(h.token('clinic', 'clinic-a'), { type: 'bearer' }).expect(200);
    expect(pending.body.total).toBe(2);
    const none = await h.http().get('/clinic/disputes').auth(h.token('clinic', 'clinic-z'), { type: 'bearer' }).expect(200);
    expect(none.body).toMatchObject({ items: [], total: 0 });
    // A clinic cannot widen its view with clinicId.
    const widened = await h.http().get('/clinic/disputes?clinicId=clinic-b').auth(h.token('clinic', 'clinic-a'), { type: 'bearer' }).expect(400);
    expect(widened.body.message).toContain('clinicId');
  });

  it('GET /admin/disputes filters by status and clinic and pages', async () => {
    const all = await h.http().get('/admin/disputes').auth(admin, { type: 'bearer' }).expect(200);
    expect(all.body.total).toBe(5);
    const byClinic = await h.http().get('/admin/disputes?clinicId=clinic-b').auth(admin, { type: 'bearer' }).expect(200);
    expect(byClinic.body.items.map((d: { id: string }) => d.id)).toEqual([...ids['clinic-b']].reverse());
    const rejected = await h.http().get('/admin/disputes?status=rejected').auth(admin, { type: 'bearer' }).expect(200);
    expect(rejected.body.items.map((d: { id: string }) => d.id)).toEqual([ids['clinic-a'][0]]);
    const page2 = await h.http().get('/admin/disputes?page=2&pageSize=2').auth(admin, { type: 'bearer' }).expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(page2.body.items).toHaveLength(2);
    const beyond = await h.http().get('/admin/disputes?page=9&pageSize=2').auth(admin, { type: 'bearer' }).expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: 5 });
  });

  it('bad filters are 400 naming the field', async () => {
    for (const [query, field] of [['status=open', 'status'], ['page=0', 'page'], ['page=abc', 'page'], ['pageSize=1000', 'pageSize'], ['clinicId=a%20b', 'clinicId'], ['sort=id', 'sort']]) {
      const response = await h.http().get(`/admin/disputes?${query}`).auth(admin, { type: 'bearer' });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body.message).toContain(field);
    }
  });

  it('GET /admin/disputes/:id returns one dispute, 404 when unknown', async () => {
    const one = await h.http().get(`/admin/disputes/${ids['clinic-b'][1]}`).auth(admin, { type: 'bearer' }).expect(200);
    expect(one.body).toMatchObject({ id: ids['clinic-b'][1], clinicId: 'clinic-b', status: 'pending', disputeType: 'out_of_service_area' });
    await h.http().get(`/admin/disputes/${randomUUID()}`).auth(admin, { type: 'bearer' }).expect(404);
  });

  it('role checks per route', async () => {
    const clinic = h.token('clinic', 'clinic-a');
    await h.http().get('/clinic/disputes').expect(401);
    for (const role of ['admin', 'ops', 'marketplace'] as const) await h.http().get('/clinic/disputes').auth(h.token(role), { type: 'bearer' }).expect(403);
    for (const path of ['/admin/disputes', `/admin/disputes/${ids['clinic-a'][1]}`]) {
      await h.http().get(path).expect(401);
      for (const token of [clinic, h.token('ops'), h.token('marketplace')]) await h.http().get(path).auth(token, { type: 'bearer' }).expect(403);
    }
  });
});
