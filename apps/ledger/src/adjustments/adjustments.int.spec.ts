import request from 'supertest';
import { LedgerHarness, balanceOf, outboxTypes, startLedger, streamOf, upstream } from '../test/ledger-harness';

describe('admin routes: adjustments and low-balance thresholds (real Postgres)', () => {
  let ledger: LedgerHarness;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    ledger = await startLedger();
    http = request(ledger.svc.app.getHttpServer());
  });
  afterAll(async () => {
    await ledger?.close();
  });
  const admin = () => ({ Authorization: `Bearer ${ledger.token('admin')}` });
  const fund = (clinicId: string, credits: number) => ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.paymentVerified(clinicId, credits)]));
  const count = async (sql: string, params: unknown[] = []) => (await ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;

  it('applies a signed adjustment once; a replay with the same key returns the same result and writes nothing', async () => {
    await fund('clinic-adj', 300);
    const first = await http.post('/admin/clinics/clinic-adj/adjustments').set(admin()).set('Idempotency-Key', 'adj-1').send({ amount: -120, reason: 'Duplicate purchase reversed' }).expect(201);
    expect(first.body).toMatchObject({ clinicId: 'clinic-adj', amount: -120, reason: 'Duplicate purchase reversed', idempotencyKey: 'adj-1', balanceAfter: 180, streamVersion: 2 });
    const replay = await http.post('/admin/clinics/clinic-adj/adjustments').set(admin()).set('Idempotency-Key', 'adj-1').send({ amount: -120, reason: 'Duplicate purchase reversed' }).expect(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await count("credit_transactions WHERE transaction_type = 'adjustment'")).toBe(1);
    expect(await balanceOf(ledger.db, 'clinic-adj')).toMatchObject({ balance: 180 });
    expect(await outboxTypes(ledger.db, 'clinic-adj')).toEqual(['CreditsPurchased', 'CreditsAdjusted']);
    const { rows } = await ledger.db.query(`SELECT actor_id FROM credit_transactions WHERE idempotency_key = 'adj-1'`);
    expect(rows[0].actor_id).toBe('admin:dev');
  });

  it('serialises concurrent adjustments and event batches on one clinic: no lost update, never below zero', async () => {
    await fund('clinic-race', 1000);
    const adjustments = Array.from({ length: 20 }, (_, i) =>
      http.post('/admin/clinics/clinic-race/adjustments').set(admin()).set('Idempotency-Key', `race-${i}`).send({ amount: -50, reason: 'race' }).then((response) => response.status),
    );
    const leads = Array.from({ length: 5 }, () => ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.leadCreated('clinic-race')])));
    const [statuses] = await Promise.all([Promise.all(adjustments), Promise.all(leads)]);
    const stream = await streamOf(ledger.db, 'clinic-race');
    const charged = stream.filter((row) => row.transaction_type === 'deduction').length;
    // 1000 credits cover exactly 20 debits of 50 or 100; whoever comes first wins, nothing is lost.
    expect(statuses.filter((status) => status === 201).length * 50 + charged * 100).toBe(1000);
    expect(statuses.every((status) => status === 201 || status === 422)).toBe(true);
    expect(await balanceOf(ledger.db, 'clinic-race')).toMatchObject({ balance: 0, version: stream.length });
    expect(stream.map((row) => row.stream_version)).toEqual(stream.map((_, i) => i + 1));
  });

  it('refuses the same key for a different adjustment', async () => {
    const response = await http.post('/admin/clinics/clinic-adj/adjustments').set(admin()).set('Idempotency-Key', 'adj-1').send({ amount: 50, reason: 'other' }).expect(422);
    expect(response.body.message).toMatch(/already used/);
  });

  it('refuses to take the balance below zero, writing nothing (not even a new clinic row)', async () => {
    const response = await http.post('/admin/clinics/clinic-empty/adjustments').set(admin()).set('Idempotency-Key', 'adj-2').send({ amount: -1, reason: 'oops' }).expect(422);
    expect(response.body).toMatchObject({ code: 'insufficient_balance', message: expect.stringMatching(/below zero/) });
    expect(await count('clinic_balances WHERE clinic_id = $1', ['clinic-empty'])).toBe(0);
    expect((await streamOf(ledger.db, 'clinic-empty')).length).toBe(0);
  });

  it.each([
    [{}, { amount: 10, reason: 'x' }, ['Idempotency-Key']],
    [{ 'Idempotency-Key': 'k' }, { amount: 0, reason: 'x' }, ['amount']],
    [{ 'Idempotency-Key': 'k' }, { amount: 1.5, reason: 'x' }, ['amount']],
    [{ 'Idempotency-Key': 'k' }, { amount: 10 }, ['reason']],
    [{ 'Idempotency-Key': 'k' }, { amount: 10, reason: '   ' }, ['reason']],
    [{ 'Idempotency-Key': 'k' }, { amount: 10, reason: 'x', extra: true }, ['extra']],
  ])('400 naming the field: headers %j body %j', async (headers, body, fields) => {
    const response = await http.post('/admin/clinics/clinic-adj/adjustments').set(admin()).set(headers).send(body).expect(400);
    expect(response.body.fields).toEqual(fields);
    expect(await count("credit_transactions WHERE idempotency_key = 'k'")).toBe(0);
  });

  it.each([
    ['post', '/admin/clinics/clinic-adj/adjustments', { amount: 10, reason: 'x' }],
    ['put', '/admin/clinics/clinic-adj/low-balance-threshold', { threshold: 10 }],
  ] as const)('%s %s refuses clinic tokens (even the clinic\'s own) and ops tokens with 403', async (method, path, body) => {
    for (const token of [ledger.token('clinic', 'clinic-adj'), ledger.token('clinic', 'clinic-other'), ledger.token('ops')]) {
      await http[method](path).set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'k-403').send(body).expect(403);
    }
    await http[method](path).send(body).expect(401);
  });

  it('sets the low-balance threshold; the state follows without an alert, and later crossings use it', async () => {
    await fund('clinic-th', 800);
    const set = await http.put('/admin/clinics/clinic-th/low-balance-threshold').set(admin()).send({ threshold: 1000 }).expect(200);
    expect(set.body).toMatchObject({ clinicId: 'clinic-th', balance: 800, lowBalanceThreshold: 1000, lowBalance: true });
    await http.put('/admin/clinics/clinic-th/low-balance-threshold').set(admin()).send({ threshold: 300 }).expect(200);
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.leadCreated('clinic-th', { packagePricePaise: 10_000_000 })])); // T6: 500 → 300, not below
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.leadCreated('clinic-th')])); // 200: crossing
    expect((await outboxTypes(ledger.db, 'clinic-th')).filter((type) => type === 'LowBalanceReached')).toHaveLength(1);
    const fresh = await http.put('/admin/clinics/clinic-fresh/low-balance-threshold').set(admin()).send({ threshold: 0 }).expect(200);
    expect(fresh.body).toMatchObject({ balance: 0, lowBalanceThreshold: 0, lowBalance: false });
    const bad = await http.put('/admin/clinics/clinic-th/low-balance-threshold').set(admin()).send({ threshold: -5 }).expect(400);
    expect(bad.body.fields).toEqual(['threshold']);
  });
});
