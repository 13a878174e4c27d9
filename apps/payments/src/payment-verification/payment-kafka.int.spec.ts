import { AddressInfo } from 'net';
import { Consumer } from 'kafkajs';
import request from 'supertest';
import { signToken } from '@clinic/auth';
import { TOPICS } from '@clinic/contracts';
import { createServiceApp, loadCommonConfig, ServiceApp } from '@clinic/platform';
import { createTestDatabase, kafkaBrokers, TestDatabase, testKafka, waitFor } from '@clinic/testing';
import { RunningRazorpaySimulator, startRazorpaySimulator } from '@clinic/razorpay-simulator';
import { loadCreditCatalog, PaymentsConfig } from '../config';
import { paymentsService } from '../service';

// Needs KAFKA_BROKERS (`npm test` provides a broker): without it kafkaBrokers() fails saying how, never skips.
const razorpay = { keyId: 'rzp_test_kafkaspec', keySecret: 'kafka-spec-key-secret-0001', webhookSecret: 'kafka-spec-webhook-secret-1' };

describe('payments on the real broker: verify + webhook + retried webhook → one PaymentVerified on payments.v1', () => {
  const brokers = kafkaBrokers();
  let db: TestDatabase;
  let simulator: RunningRazorpaySimulator;
  let svc: ServiceApp;
  let config: PaymentsConfig;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    [db, simulator] = await Promise.all([createTestDatabase('payments_kafka'), startRazorpaySimulator(razorpay)]);
    config = {
      ...loadCommonConfig('payments', 'PAYMENTS_PORT', 0),
      databaseUrl: db.url,
      kafkaBrokers: brokers,
      logLevel: 'silent',
      razorpay: { ...razorpay, apiBaseUrl: simulator.url },
      catalog: loadCreditCatalog({}),
      publicRateLimitPerMinute: 120,
    };
    svc = await createServiceApp(paymentsService(config));
    await svc.app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await svc?.close();
    await simulator?.close();
    await db?.drop();
  });

  it('publishes exactly one PaymentVerified, keyed by clinic, with the stored credits', async () => {
    const clinicId = `clinic-kafka-${Date.now()}`;
    const auth = `Bearer ${signToken({ role: 'clinic', clinicId }, config.jwtSecret)}`;
    const http = request(svc.app.getHttpServer());
    const order = (await http.post('/create-razorpay-order').set('authorization', auth).send({ packId: 'growth' }).expect(201)).body;
    const simPost = async (path: string, body: object) =>
      (await (await fetch(`${simulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as any;
    const checkout = await simPost(`/_sim/orders/${order.orderId}/pay`, {});
    await http.post('/verify-payment').set('authorization', auth).send(checkout).expect(200);
    const webhookUrl = `http://127.0.0.1:${(svc.app.getHttpServer().address() as AddressInfo).port}/webhooks/razorpay`;
    const sent = await simPost('/_sim/webhooks', { event: 'payment.captured', paymentId: checkout.razorpay_payment_id, targetUrl: webhookUrl });
    expect(sent.delivery.status).toBe(200);
    let retry = http.post('/webhooks/razorpay');
    for (const [name, value] of Object.entries(sent.headers as Record<string, string>)) retry = retry.set(name, value);
    await retry.send(sent.body).expect(200);

    await waitFor(async () => (await svc.database.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n === 0, {
      description: 'the outbox relayed to Kafka',
    });

    const received: { key: string; value: any }[] = [];
    consumer = testKafka('payments-kafka-spec', brokers).consumer({ groupId: `payments-kafka-spec-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.payments, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value?.toString() ?? '{}');
        if (value.payload?.paymentId === checkout.razorpay_payment_id) received.push({ key: message.key?.toString() ?? '', value });
      },
    });
    await waitFor(() => received.length > 0, { description: 'PaymentVerified on payments.v1', timeoutMs: 30_000 });

    expect(received).toHaveLength(1);
    expect(received[0].key).toBe(clinicId);
    expect(received[0].value).toMatchObject({
      type: 'PaymentVerified',
      producer: 'payments',
      clinicId,
      payload: { paymentId: checkout.razorpay_payment_id, orderId: order.orderId, clinicId, credits: 21_000, amountPaise: 2_000_000, currency: 'INR', verifiedVia: 'checkout' },
    });
  });
});
