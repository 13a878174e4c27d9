import request from 'supertest';
import { LedgerHarness, startLedger, upstream } from '../test/ledger-harness';

describe('read API: balance, transactions, pending leads, pricing (real Postgres)', () => {
  let ledger: LedgerHarness;
  let http: ReturnType<typeof request>;
  const clinicId = 'clinic-read';
  let beforeCharges: string;
  beforeAll(async () => {
    ledger = await startLedger();
    http = request(ledger.svc.app.getHttpServer());
    const apply = (...events: Parameters<LedgerHarness['batch']['applyEvents']>[1]) => ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, events));
    await apply(upstream.paymentVerified(clinicId, 1000));
    // Row times are the ledger clock's; wait for it to move past the purchase so ?at= can tell them apart.
    const { rows } = await ledger.db.query<{ at: Date }>('SELECT max(created_at) AS at FROM credit_transactions');
    beforeCharges = new Date(rows[0].at.getTime() + 1).toISOString();
    while (Date.now() <= Date.parse(beforeCharges) + 1) await new Promise((resolve) => setImmediate(resolve));
    await apply(...Array.from({ length: 25 }, (_, i) => upstream.leadCreated(clinicId, { packagePricePaise: i < 3 ? 6_000_000 : 0 /* T5, else T1 */ })));
  });
  afterAll(async () => {
    await ledger?.close();
  });
  const as = (role: 'clinic' | 'admin' | 'ops' | 'marketplace', id?: string) => ({ Authorization: `Bearer ${ledger.token(role, id)}` });

  it('GET balance: the read model now, and the stream at a past moment with ?at=', async () => {
    // 2 × T5 (400) then 2 × T1 (100): 1000 → 0. The third T5 (declined first) and 20 more T1 leads wait.
    const now = await http.get(`/clinics/${clinicId}/balance`).set(as('clinic', clinicId)).expect(200);
    expect(now.body).toEqual({
      clinicId, balance: 0, version: 26, lifetimePurchased: 1000, lifetimeSpent: 1000, lifetimeRefunded: 0, lowBalanceThreshold: 500, lowBalance: true,
    });
    const then = await http.get(`/clinics/${clinicId}/balance`).query({ at: beforeCharges }).set(as('admin')).expect(200);
    expect(then.body).toEqual({ clinicId, balance: 1000, version: 1, at: beforeCharges });
    const before = await http.get(`/clinics/${clinicId}/balance`).query({ at: '2020-01-01T00:00:00Z' }).set(as('ops')).expect(200);
    expect(before.body).toMatchObject({ balance: 0, version: 0 });
    const unknown = await http.get('/clinics/clinic-new/balance').set(as('clinic', 'clinic-new')).expect(200);
    expect(unknown.body).toMatchObject({ balance: 0, version: 0, lowBalanceThreshold: 500 });
  });

  it('GET balance refuses a malformed ?at= naming the field', async () => {
    const response = await http.get(`/clinics/${clinicId}/balance`).query({ at: 'yesterday' }).set(as('admin')).expect(400);
    expect(response.body.fields).toEqual(['at']);
  });

  it('GET transactions: money movements newest first, paged, with the total', async () => {
    const first = await http.get(`/clinics/${clinicId}/transactions`).set(as('clinic', clinicId)).expect(200);
    expect(first.body).toMatchObject({ page: 1, limit: 20, total: 5 });
    expect(first.body.items.map((item: { type: string; amount: number }) => [item.type, item.amount])).toEqual([
      ['deduction', -100], ['deduction', -100], ['deduction', -400], ['deduction', -400], ['purchase', 1000],
    ]);
    expect(first.body.items[2]).toMatchObject({ balanceAfter: 200, streamVersion: 3, tier: 'T5', pricingVersion: 1, packagePricePaise: 6_000_000 });
    const second = await http.get(`/clinics/${clinicId}/transactions`).query({ page: 2, limit: 3 }).set(as('admin')).expect(200);
    expect(second.body).toMatchObject({ page: 2, limit: 3, total: 5 });
    expect(second.body.items.map((item: { type: string }) => item.type)).toEqual(['deduction', 'purchase']);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ page: 0 }, 'page'],
    [{ page: 1, limit: 20, sort: 'x' }, 'sort'],
  ])('GET transactions refuses %j with a 400 naming %s', async (query, field) => {
    const response = await http.get(`/clinics/${clinicId}/transactions`).query(query).set(as('admin')).expect(400);
    expect(response.body.fields).toEqual([field]);
  });

  it('GET pending-leads: waiting leads oldest first, with the price they will be charged and when they expire', async () => {
    const response = await http.get(`/clinics/${clinicId}/pending-leads`).set(as('clinic', clinicId)).expect(200);
    expect(response.body.total).toBe(21);
    const [first, second] = response.body.items;
    expect(first).toMatchObject({ credits: 400, tier: 'T5', pricingVersion: 1, packagePricePaise: 6_000_000 });
    expect(second).toMatchObject({ credits: 100, tier: 'T1', packagePricePaise: 0 });
    expect(Date.parse(first.expiresAt) - Date.parse(first.waitingSince)).toBe(168 * 3600_000);
  });

  it('GET pricing/tiers: the six tiers of the current version', async () => {
    const response = await http.get('/pricing/tiers').set(as('clinic', clinicId)).expect(200);
    expect(response.body.pricingVersion).toBe(1);
    expect(response.body.tiers.map((tier: { credits: number }) => tier.credits)).toEqual([100, 150, 200, 300, 400, 500]);
    expect(response.body.tiers[1]).toEqual({ tier: 'T2', minPricePaise: 500_000, maxPricePaise: 1_499_999, credits: 150 });
    await http.get('/pricing/tiers').expect(401);
  });

  it.each(['balance', 'transactions', 'pending-leads'])('GET %s: 403 for another clinic\'s token, 401 without a token, 400 for a bad clinic id', async (route) => {
    const forbidden = await http.get(`/clinics/${clinicId}/${route}`).set(as('clinic', 'clinic-other')).expect(403);
    expect(forbidden.body.message).toMatch(/cannot reach that clinic/);
    await http.get(`/clinics/${clinicId}/${route}`).set(as('marketplace')).expect(403);
    await http.get(`/clinics/${clinicId}/${route}`).expect(401);
    const bad = await http.get(`/clinics/${encodeURIComponent('bad id!')}/${route}`).set(as('admin')).expect(400);
    expect(bad.body.fields).toEqual(['clinicId']);
  });

  it('documents every route in OpenAPI', async () => {
    const response = await http.get('/docs-json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining([
      '/clinics/{clinicId}/balance', '/clinics/{clinicId}/transactions', '/clinics/{clinicId}/pending-leads', '/pricing/tiers',
      '/admin/clinics/{clinicId}/adjustments', '/admin/clinics/{clinicId}/low-balance-threshold',
    ]));
  });
});
