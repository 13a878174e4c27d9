import { AddressInfo } from 'net';
import { Writable } from 'stream';
import request from 'supertest';
import { signToken } from '@clinic/auth';
import { createLogger } from '@clinic/observability';
import { createServiceApp, loadCommonConfig, ServiceApp } from '@clinic/platform';
import { createTestDatabase, TestDatabase, waitFor } from '@clinic/testing';
import { RunningRazorpaySimulator, startRazorpaySimulator } from '@clinic/razorpay-simulator';
import { loadCreditCatalog, PaymentsConfig } from '../config';
import { paymentsService } from '../service';

const razorpay = { keyId: 'rzp_test_flowspec', keySecret: 'flow-spec-key-secret-0001', webhookSecret: 'flow-spec-webhook-secret-01' };

describe('payments: create order → pay → verify / webhooks (real Postgres, simulator over HTTP)', () => {
  let db: TestDatabase;
  let simulator: RunningRazorpaySimulator;
  let svc: ServiceApp;
  let config: PaymentsConfig;
  let webhookUrl: string;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    [db, simulator] = await Promise.all([createTestDatabase('payments_flow'), startRazorpaySimulator(razorpay)]);
    config = {
      ...loadCommonConfig('payments', 'PAYMENTS_PORT', 0),
      databaseUrl: db.url,
      logLevel: 'info',
      razorpay: { ...razorpay, apiBaseUrl: simulator.url },
      catalog: loadCreditCatalog({}),
      publicRateLimitPerMinute: 3,
    };
    const sink = new Writable({ write(chunk, _encoding, done) { logLines.push(JSON.parse(String(chunk))); done(); } });
    svc = await createServiceApp({ ...paymentsService(config), logger: createLogger('payments', 'info', sink) });
    await svc.app.listen(0, '127.0.0.1');
    webhookUrl = `http://127.0.0.1:${(svc.app.getHttpServer().address() as AddressInfo).port}/webhooks/razorpay`;
  });

  afterAll(async () => {
    await svc?.close();
    await simulator?.close();
    await db?.drop();
  });

  const http = () => request(svc.app.getHttpServer());
  const tokenFor = (clinicId: string) => `Bearer ${signToken({ role: 'clinic', clinicId }, config.jwtSecret)}`;
  const count = async (sql: string, params: unknown[] = []) => (await svc.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;
  const verifiedEvents = (paymentId: string) => count(`outbox WHERE payload->>'type' = 'PaymentVerified' AND payload->'payload'->>'paymentId' = $1`, [paymentId]);
  const failedEvents = (orderId: string) => count(`outbox WHERE payload->>'type' = 'PaymentFailed' AND payload->'payload'->>'orderId' = $1`, [orderId]);
  const orderStatus = async (orderId: string) => (await svc.database.query<{ status: string }>('SELECT status FROM orders WHERE order_id = $1', [orderId])).rows[0]?.status;

  async function sim(path: string, body: unknown = {}) {
    const response = await fetch(`${simulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    return (await response.json()) as any;
  }
  async function createOrder(clinicId: string, body: object = { packId: 'growth' }) {
    const response = await http().post('/create-razorpay-order').set('authorization', tokenFor(clinicId)).send(body);
    expect(response.status).toBe(201);
    return response.body as { keyId: string; orderId: string; amount: number; currency: string; credits: number };
  }
  const pay = (orderId: string) => sim(`/_sim/orders/${orderId}/pay`) as Promise<{ razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string }>;
  const webhook = (event: string, paymentId: string, extra: object = {}) => sim('/_sim/webhooks', { event, paymentId, targetUrl: webhookUrl, ...extra });
  const verify = (clinicId: string, body: object) => http().post('/verify-payment').set('authorization', tokenFor(clinicId)).send(body);
  /** Replays exactly what the simulator sent (same bytes, same headers), as Razorpay's retry does. */
  const replay = (sent: { headers: Record<string, string>; body: string }) => {
    let call = http().post('/webhooks/razorpay');
    for (const [name, value] of Object.entries(sent.headers)) call = call.set(name, value);
    return call.send(sent.body);
  };

  it('lists the credit packs without a token', async () => {
    const response = await http().get('/credit-packs').expect(200);
    expect(response.body.packs.map((pack: { id: string; pricePaise: number; totalCredits: number }) => [pack.id, pack.pricePaise, pack.totalCredits])).toEqual([
      ['starter', 500_000, 5_000],
      ['growth', 2_000_000, 21_000],
      ['pro', 5_000_000, 55_000],
    ]);
    expect(response.body.customAmount).toEqual({ minPaise: 100_000, maxPaise: 50_000_000, creditsPerRupee: 1 });
    // Public, so rate-limited per client IP (3 a minute in this test's config).
    await http().get('/credit-packs').expect(200);
    await http().get('/credit-packs').expect(200);
    await http().get('/credit-packs').expect(429);
  });

  it('creates a Razorpay order priced from the catalog and stores it', async () => {
    const order = await createOrder('clinic-a', { packId: 'growth' });
    expect(order).toEqual({ keyId: razorpay.keyId, orderId: expect.stringMatching(/^order_/), amount: 2_000_000, currency: 'INR', credits: 21_000 });
    const { rows } = await svc.database.query('SELECT clinic_id, pack_id, credits, amount_paise, currency, status FROM orders WHERE order_id = $1', [order.orderId]);
    expect(rows).toEqual([{ clinic_id: 'clinic-a', pack_id: 'growth', credits: 21_000, amount_paise: 2_000_000, currency: 'INR', status: 'created' }]);
    const custom = await createOrder('clinic-a', { customAmountPaise: 250_000 });
    expect(custom).toMatchObject({ amount: 250_000, credits: 2_500 });
  });

  it('refuses bad order requests with 400 naming the field, wrong roles with 401/403, and writes nothing', async () => {
    const before = await count('orders');
    const cases: [object, string][] = [
      [{}, 'packId'],
      [{ packId: 'growth', customAmountPaise: 250_000 }, 'packId'],
      [{ packId: 'platinum' }, 'packId'],
      [{ customAmountPaise: 50_000 }, 'customAmountPaise'],
      [{ customAmountPaise: 250_050 }, 'customAmountPaise'],
      [{ customAmountPaise: 1.5 }, 'customAmountPaise'],
      [{ packId: 'growth', credits: 1_000_000 }, 'credits'],
    ];
    for (const [body, field] of cases) {
      const response = await http().post('/create-razorpay-order').set('authorization', tokenFor('clinic-a')).send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.fields).toContain(field);
    }
    await http().post('/create-razorpay-order').send({ packId: 'growth' }).expect(401);
    await http().post('/create-razorpay-order').set('authorization', `Bearer ${signToken({ role: 'admin' }, config.jwtSecret)}`).send({ packId: 'growth' }).expect(403);
    expect(await count('orders')).toBe(before);
  });

  it('checkout verify + webhook + retried webhook + order.paid → exactly one PaymentVerified, logged once', async () => {
    const order = await createOrder('clinic-a');
    const checkout = await pay(order.orderId);
    const verified = await verify('clinic-a', checkout).expect(200);
    expect(verified.body).toEqual({ status: 'verified', orderId: order.orderId, paymentId: checkout.razorpay_payment_id, credits: 21_000, alreadyVerified: false });

    const captured = await webhook('payment.captured', checkout.razorpay_payment_id);
    expect(captured.delivery.status).toBe(200);
    expect(JSON.parse(captured.delivery.body)).toMatchObject({ outcome: 'already_verified', duplicate: false });
    const retried = await replay(captured).expect(200);
    expect(retried.body).toMatchObject({ outcome: 'already_verified', duplicate: true });
    expect((await webhook('order.paid', checkout.razorpay_payment_id)).delivery.status).toBe(200);
    const again = await verify('clinic-a', checkout).expect(200);
    expect(again.body.alreadyVerified).toBe(true);

    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(1);
    expect(await count('payments WHERE order_id = $1', [order.orderId])).toBe(1);
    expect(await orderStatus(order.orderId)).toBe('paid');
    const [event] = (await svc.database.query(`SELECT payload FROM outbox WHERE payload->>'type' = 'PaymentVerified' AND payload->'payload'->>'paymentId' = $1`, [checkout.razorpay_payment_id])).rows;
    expect(event.payload).toMatchObject({
      producer: 'payments',
      clinicId: 'clinic-a',
      payload: { paymentId: checkout.razorpay_payment_id, orderId: order.orderId, clinicId: 'clinic-a', credits: 21_000, amountPaise: 2_000_000, currency: 'INR', verifiedVia: 'checkout' },
    });
    const logged = logLines.filter((line) => line.msg === `Payment verified: ${checkout.razorpay_payment_id}, Credits 21000`);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ paymentId: checkout.razorpay_payment_id, credits: 21_000, clinicId: 'clinic-a' });
    expect(JSON.stringify(logLines)).not.toContain(razorpay.keySecret);
    expect(JSON.stringify(logLines)).not.toContain(checkout.razorpay_signature);
    // The relay publishes it (embedded log here; Kafka when KAFKA_BROKERS is set).
    await waitFor(async () => (await count(`outbox WHERE event_id = $1 AND published_at IS NOT NULL`, [event.payload.eventId])) === 1, { description: 'PaymentVerified published' });
  });

  it('webhook first, then checkout verify → one PaymentVerified via the webhook', async () => {
    const order = await createOrder('clinic-a', { packId: 'starter' });
    const checkout = await pay(order.orderId);
    const sent = await webhook('payment.captured', checkout.razorpay_payment_id);
    expect(JSON.parse(sent.delivery.body)).toMatchObject({ outcome: 'verified' });
    expect((await verify('clinic-a', checkout).expect(200)).body).toMatchObject({ status: 'verified', alreadyVerified: true, credits: 5_000 });
    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(1);
    const { rows } = await svc.database.query(`SELECT payload->'payload'->>'verifiedVia' AS via FROM outbox WHERE payload->'payload'->>'paymentId' = $1`, [checkout.razorpay_payment_id]);
    expect(rows).toEqual([{ via: 'webhook' }]);
  });

  it('concurrent checkout verify and webhooks for one payment → exactly one PaymentVerified', async () => {
    const order = await createOrder('clinic-a', { packId: 'pro' });
    const checkout = await pay(order.orderId);
    const [verified, ...hooks] = await Promise.all([
      verify('clinic-a', checkout),
      webhook('payment.captured', checkout.razorpay_payment_id),
      webhook('order.paid', checkout.razorpay_payment_id),
      webhook('payment.captured', checkout.razorpay_payment_id),
    ]);
    expect(verified.status).toBe(200);
    expect(hooks.map((hook) => hook.delivery.status)).toEqual([200, 200, 200]);
    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(1);
    expect(await count('payments WHERE order_id = $1', [order.orderId])).toBe(1);
  });

  it('an authorized but not yet captured payment → 202, nothing credited until the capture webhook', async () => {
    const order = await createOrder('clinic-a', { packId: 'starter' });
    const checkout = await sim(`/_sim/orders/${order.orderId}/pay`, { capture: false });
    const pending = await verify('clinic-a', checkout).expect(202);
    expect(pending.body).toMatchObject({ status: 'pending_capture', credits: 0 });
    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(0);
    expect(await orderStatus(order.orderId)).toBe('created');

    await sim(`/_sim/payments/${checkout.razorpay_payment_id}/capture`);
    expect(JSON.parse((await webhook('payment.captured', checkout.razorpay_payment_id)).delivery.body)).toMatchObject({ outcome: 'verified' });
    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(1);
  });

  it('acknowledges webhooks for orders this service did not create, and ignores them', async () => {
    const created = await fetch(`${simulator.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${razorpay.keyId}:${razorpay.keySecret}`).toString('base64')}` },
      body: JSON.stringify({ amount: 10_000, currency: 'INR' }),
    });
    const foreign = (await created.json()) as { id: string };
    const checkout = await pay(foreign.id);
    const sent = await webhook('payment.captured', checkout.razorpay_payment_id);
    expect(sent.delivery.status).toBe(200);
    expect(JSON.parse(sent.delivery.body)).toMatchObject({ outcome: 'ignored_unknown_order' });
    expect(await count('payments WHERE payment_id = $1', [checkout.razorpay_payment_id])).toBe(0);
    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(0);
  });

  it('refuses a tampered signature, another clinic’s order and a signature replayed for another order, and changes nothing', async () => {
    const order = await createOrder('clinic-a');
    const other = await createOrder('clinic-a');
    const checkout = await pay(order.orderId);
    const flipped = checkout.razorpay_signature.replace(/.$/, (last) => (last === '0' ? '1' : '0'));

    const tampered = await verify('clinic-a', { ...checkout, razorpay_signature: flipped }).expect(400);
    expect(tampered.body.fields).toEqual(['razorpay_signature']);
    await verify('clinic-b', checkout).expect(404);
    const replayed = await verify('clinic-a', { ...checkout, razorpay_order_id: other.orderId }).expect(400);
    expect(replayed.body.fields).toEqual(['razorpay_signature']);
    const malformed = await verify('clinic-a', { ...checkout, razorpay_signature: 'abc', extra: 1 }).expect(400);
    expect(malformed.body.fields).toEqual(expect.arrayContaining(['razorpay_signature', 'extra']));

    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(0);
    expect(await count('payments WHERE order_id IN ($1, $2)', [order.orderId, other.orderId])).toBe(0);
    expect([await orderStatus(order.orderId), await orderStatus(other.orderId)]).toEqual(['created', 'created']);
  });

  it('refuses a webhook whose amount or currency differs from the order (recorded, 400 again on retry), and a bad signature (nothing written)', async () => {
    const order = await createOrder('clinic-a');
    const checkout = await pay(order.orderId);

    const amount = await webhook('payment.captured', checkout.razorpay_payment_id, { override: { amount: 100 } });
    expect(amount.delivery.status).toBe(400);
    expect(JSON.parse(amount.delivery.body).message).toMatch(/amount/);
    expect((await replay(amount)).status).toBe(400);
    const currency = await webhook('payment.captured', checkout.razorpay_payment_id, { override: { currency: 'USD' } });
    expect(currency.delivery.status).toBe(400);
    expect(await count(`webhook_receipts WHERE event_id IN ($1, $2) AND outcome LIKE 'rejected_%'`, [amount.eventId, currency.eventId])).toBe(2);

    const receipts = await count('webhook_receipts');
    const forged = await replay({ headers: { ...amount.headers, 'x-razorpay-event-id': 'evt_forged0000001' }, body: amount.body.replace('"amount":100', '"amount":2000000') });
    expect(forged.status).toBe(400);
    expect(forged.body.fields).toEqual(['x-razorpay-signature']);
    await http().post('/webhooks/razorpay').send({ event: 'payment.captured' }).expect(400);
    expect(await count('webhook_receipts')).toBe(receipts);

    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(0);
    expect(await count('payments WHERE order_id = $1', [order.orderId])).toBe(0);
    expect(await orderStatus(order.orderId)).toBe('created');
  });

  it('acknowledges unknown webhook events with 200 and ignores them', async () => {
    const order = await createOrder('clinic-a');
    const checkout = await pay(order.orderId);
    const events = await count('outbox');
    const sent = await webhook('refund.created', checkout.razorpay_payment_id);
    expect(sent.delivery.status).toBe(200);
    expect(JSON.parse(sent.delivery.body)).toMatchObject({ outcome: 'ignored_event_type' });
    expect(await count('outbox')).toBe(events);
    expect(await orderStatus(order.orderId)).toBe('created');
  });

  it('payment.failed → one PaymentFailed and the order failed; a later successful payment still verifies', async () => {
    const order = await createOrder('clinic-c', { customAmountPaise: 300_000 });
    const failure = await sim(`/_sim/orders/${order.orderId}/fail`, { code: 'BAD_REQUEST_ERROR', description: 'Card declined by bank' });
    const first = await webhook('payment.failed', failure.razorpay_payment_id);
    expect(JSON.parse(first.delivery.body)).toMatchObject({ outcome: 'failure_recorded' });
    await webhook('payment.failed', failure.razorpay_payment_id); // Razorpay sent it twice, new event id
    await replay(first).expect(200);
    expect(await failedEvents(order.orderId)).toBe(1);
    expect(await orderStatus(order.orderId)).toBe('failed');
    const [event] = (await svc.database.query(`SELECT payload FROM outbox WHERE payload->>'type' = 'PaymentFailed' AND payload->'payload'->>'orderId' = $1`, [order.orderId])).rows;
    expect(event.payload.payload).toEqual({ paymentId: failure.razorpay_payment_id, orderId: order.orderId, clinicId: 'clinic-c', reason: 'Card declined by bank', errorCode: 'BAD_REQUEST_ERROR' });

    const checkout = await pay(order.orderId);
    await verify('clinic-c', checkout).expect(200);
    expect(await orderStatus(order.orderId)).toBe('paid');
    await webhook('payment.failed', failure.razorpay_payment_id, { eventId: 'evt_latefailure001' });
    expect(await orderStatus(order.orderId)).toBe('paid');
    expect(await verifiedEvents(checkout.razorpay_payment_id)).toBe(1);
  });

  it('GET /clinic/payments: own orders only, newest first, paged, with status', async () => {
    const first = await createOrder('clinic-d', { packId: 'starter' });
    const second = await createOrder('clinic-d', { packId: 'pro' });
    await verify('clinic-d', await pay(second.orderId)).expect(200);
    await createOrder('clinic-e');

    const page1 = await http().get('/clinic/payments?pageSize=1').set('authorization', tokenFor('clinic-d')).expect(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 1, total: 2, items: [{ orderId: second.orderId, status: 'paid', credits: 55_000, paymentId: expect.stringMatching(/^pay_/), verifiedVia: 'checkout' }] });
    const page2 = await http().get('/clinic/payments?pageSize=1&page=2').set('authorization', tokenFor('clinic-d')).expect(200);
    expect(page2.body.items).toEqual([expect.objectContaining({ orderId: first.orderId, status: 'created', paymentId: null })]);
    const bad = await http().get('/clinic/payments?pageSize=500').set('authorization', tokenFor('clinic-d')).expect(400);
    expect(bad.body.fields).toEqual(['pageSize']);
    await http().get('/clinic/payments').set('authorization', `Bearer ${signToken({ role: 'ops' }, config.jwtSecret)}`).expect(403);
  });
});
