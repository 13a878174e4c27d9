import { maskPhone } from '@clinic/observability';
import { countRows, freshIp, freshPhone, LeadIntakeHarness, startLeadIntake } from '../test/harness';

describe('POST /contact-clinic (public form)', () => {
  let h: LeadIntakeHarness;
  const clinicId = 'clinic-form';

  const validBody = (overrides: Record<string, unknown> = {}) => ({
    packageId: 'pkg-form-1',
    patientName: 'Priya Sharma',
    phone: freshPhone(),
    email: 'priya@example.com',
    message: 'Is Saturday possible?',
    consent: true,
    ...overrides,
  });
  const submit = (body: unknown, ip = freshIp()) => h.http().post('/contact-clinic').set('X-Forwarded-For', ip).send(body as object);
  const leadRows = () => countRows(h.svc, 'SELECT 1 FROM leads');
  const outboxRows = () => countRows(h.svc, 'SELECT 1 FROM outbox');

  beforeAll(async () => {
    h = await startLeadIntake({ contactLimitPerIp: { limit: 10, windowSeconds: 60 }, contactLimitPerPhone: { limit: 3, windowSeconds: 3600 } });
    const put = (id: string, body: object) => h.http().put(`/packages/${id}`).auth(h.tokens.marketplace, { type: 'bearer' }).send(body);
    expect((await put('pkg-form-1', { clinicId, name: 'HydraFacial', pricePaise: 800_000, active: true })).status).toBe(200);
    expect((await put('pkg-form-off', { clinicId, name: 'Retired peel', pricePaise: 300_000, active: false })).status).toBe(200);
  });
  afterAll(() => h?.close());

  it('accepts a lead: stores the phone as E.164 with consent audit, and emits LeadCreated priced from the catalog', async () => {
    const response = await submit(validBody({ phone: '+91-98111 22334', packagePricePaise: undefined }), '203.0.113.7');
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ leadId: expect.any(String), receivedAt: expect.any(String) });

    const { rows } = await h.svc.database.query(
      `SELECT clinic_id, phone, status, source, package_price_paise, consent_at, host(consent_ip) AS ip FROM leads WHERE lead_id = $1`,
      [response.body.leadId],
    );
    expect(rows[0]).toMatchObject({ clinic_id: clinicId, phone: '+919811122334', status: 'new', source: 'public_form', package_price_paise: 800_000, ip: '203.0.113.7' });
    expect(rows[0].consent_at).toBeInstanceOf(Date);

    const events = await h.svc.database.query(`SELECT payload FROM outbox WHERE payload->'payload'->>'leadId' = $1`, [response.body.leadId]);
    expect(events.rows.map((row) => row.payload)).toEqual([
      expect.objectContaining({
        type: 'LeadCreated',
        producer: 'lead-intake',
        clinicId,
        payload: expect.objectContaining({ leadId: response.body.leadId, clinicId, packageId: 'pkg-form-1', packagePricePaise: 800_000, source: 'public_form' }),
      }),
    ]);
  });

  it.each([
    ['98765 43210', '+919876543210'],
    ['09876543211', '+919876543211'],
    ['+91 98765-43212', '+919876543212'],
  ])('normalises %p to %p', async (phone, e164) => {
    const response = await submit(validBody({ phone }));
    expect(response.status).toBe(201);
    const { rows } = await h.svc.database.query('SELECT phone FROM leads WHERE lead_id = $1', [response.body.leadId]);
    expect(rows[0].phone).toBe(e164);
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['a landline-length number', { phone: '12345' }, ['phone']],
      ['a non-Indian number', { phone: '+1 415 555 0100' }, ['phone']],
      ['a number starting with 5', { phone: '5876543210' }, ['phone']],
      ['letters in the phone', { phone: '98765abcde' }, ['phone']],
      ['a phone given as a number', { phone: 9876543210 }, ['phone']],
      ['missing consent', { consent: undefined }, ['consent']],
      ['consent false', { consent: false }, ['consent']],
      ['consent as a string', { consent: 'true' }, ['consent']],
      ['missing patient name', { patientName: undefined }, ['patientName']],
      ['a blank patient name', { patientName: '   ' }, ['patientName']],
      ['an oversized patient name', { patientName: 'x'.repeat(201) }, ['patientName']],
      ['an oversized message', { message: 'x'.repeat(2001) }, ['message']],
      ['a bad email', { email: 'not-an-email' }, ['email']],
      ['an unknown field', { referrer: 'x' }, ['referrer']],
      ['a price from the client', { pricePaise: 1 }, ['pricePaise']],
      ['a malformed package id', { packageId: 'bad id!' }, ['packageId']],
      ['an unknown package', { packageId: 'pkg-nope' }, ['packageId']],
      ['an inactive package', { packageId: 'pkg-form-off' }, ['packageId']],
      ['several bad fields at once', { phone: 'x', consent: false, extra: 1 }, ['phone', 'consent', 'extra']],
    ];

    it.each(cases)('%s', async (_name, overrides, fields) => {
      const [leadsBefore, outboxBefore] = [await leadRows(), await outboxRows()];
      const response = await submit(validBody(overrides));
      expect(response.status).toBe(400);
      expect([...response.body.fields].sort()).toEqual([...fields].sort());
      for (const field of fields) expect(response.body.message).toContain(field);
      expect(await leadRows()).toBe(leadsBefore);
      expect(await outboxRows()).toBe(outboxBefore);
    });

    it('a body over 64 kB is refused with 413 and writes nothing', async () => {
      const leadsBefore = await leadRows();
      const response = await submit({ ...validBody(), message: 'x'.repeat(70_000) });
      expect(response.status).toBe(413);
      expect(await leadRows()).toBe(leadsBefore);
    });

    it('malformed JSON is a 400', async () => {
      const response = await h.http().post('/contact-clinic').set('X-Forwarded-For', freshIp()).set('Content-Type', 'application/json').send('{"packageId":');
      expect(response.status).toBe(400);
    });
  });

  it('throttles a burst of 30 submissions from one IP with 429 (invalid ones count too)', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await submit(i % 2 ? validBody() : { junk: true }, ip)).status);
    expect(statuses.slice(0, 10).every((status) => status === 201 || status === 400)).toBe(true);
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));
    const limited = await submit(validBody(), ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await submit(validBody())).status).toBe(201);
  });

  it('throttles one phone after 3 submissions an hour, from any IP', async () => {
    const phone = freshPhone();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await submit(validBody({ phone }))).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it('stores the same phone at the same clinic within 30 days as an uncharged duplicate, with an identical answer', async () => {
    const phone = freshPhone();
    const first = await submit(validBody({ phone }));
    const second = await submit(validBody({ phone: phone.replace('+91', '0') }));
    expect(second.status).toBe(first.status);
    expect(Object.keys(second.body).sort()).toEqual(Object.keys(first.body).sort());
    expect(second.body.leadId).not.toBe(first.body.leadId);

    const { rows } = await h.svc.database.query(`SELECT lead_id, status, duplicate_of FROM leads WHERE phone = $1 ORDER BY created_at`, [phone]);
    expect(rows).toEqual([
      { lead_id: first.body.leadId, status: 'new', duplicate_of: null },
      { lead_id: second.body.leadId, status: 'duplicate', duplicate_of: first.body.leadId },
    ]);
    expect(await countRows(h.svc, `SELECT 1 FROM outbox WHERE payload->'payload'->>'leadId' = $1`, [second.body.leadId])).toBe(0);
  });

  it('never writes a full phone number to the logs', async () => {
    const phone = freshPhone();
    expect((await submit(validBody({ phone }))).status).toBe(201);
    const text = h.logs.join('');
    expect(text).toContain('lead accepted');
    expect(text).not.toContain(phone.slice(3));
    expect(text).toContain(`"phoneMasked":"${maskPhone(phone)}"`);
  });
});

describe('PUT /packages/:packageId (catalog copy)', () => {
  let h: LeadIntakeHarness;
  beforeAll(async () => {
    h = await startLeadIntake();
  });
  afterAll(() => h?.close());

  const put = (id: string, body: object, token?: string) => {
    const request = h.http().put(`/packages/${id}`);
    return (token ? request.auth(token, { type: 'bearer' }) : request).send(body);
  };
  const pkg = { clinicId: 'clinic-cat', name: 'Laser hair removal', pricePaise: 2_500_000, active: true };

  it('upserts the package for the marketplace role (the same body twice is one package)', async () => {
    expect((await put('pkg-cat-1', pkg, h.tokens.marketplace)).body).toMatchObject({ packageId: 'pkg-cat-1', ...pkg });
    const updated = await put('pkg-cat-1', { ...pkg, pricePaise: 3_000_000 }, h.tokens.marketplace);
    expect(updated.status).toBe(200);
    const { rows } = await h.svc.database.query('SELECT price_paise FROM packages');
    expect(rows).toEqual([{ price_paise: 3_000_000 }]);
  });

  it('refuses other roles and missing tokens', async () => {
    expect((await put('pkg-cat-2', pkg)).status).toBe(401);
    expect((await put('pkg-cat-2', pkg, h.tokens.clinic('clinic-cat'))).status).toBe(403);
    expect(await countRows(h.svc, `SELECT 1 FROM packages WHERE package_id = 'pkg-cat-2'`)).toBe(0);
  });

  it.each([
    [{ pricePaise: 1.5 }, 'pricePaise'],
    [{ pricePaise: -1 }, 'pricePaise'],
    [{ pricePaise: '100' }, 'pricePaise'],
    [{ active: 'yes' }, 'active'],
    [{ clinicId: '' }, 'clinicId'],
    [{ name: '' }, 'name'],
    [{ colour: 'red' }, 'colour'],
  ])('rejects %p with 400 naming %s', async (overrides, field) => {
    const response = await put('pkg-cat-3', { ...pkg, ...overrides }, h.tokens.marketplace);
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([field]);
    expect(await countRows(h.svc, `SELECT 1 FROM packages WHERE package_id = 'pkg-cat-3'`)).toBe(0);
  });
});
