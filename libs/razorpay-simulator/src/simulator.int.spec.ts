import { createHmac } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import Razorpay from 'razorpay';
import { RunningRazorpaySimulator, startRazorpaySimulator } from './simulator';

const credentials = { keyId: 'rzp_test_simspec', keySecret: 'sim-spec-key-secret-0001', webhookSecret: 'sim-spec-webhook-secret-01' };

/** The official SDK, pointed at the simulator the same way the payments service does it. */
function sdk(baseUrl: string, keySecret = credentials.keySecret) {
  const client = new Razorpay({ key_id: credentials.keyId, key_secret: keySecret });
  (client as unknown as { api: { rq: { defaults: { baseURL: string } } } }).api.rq.defaults.baseURL = baseUrl;
  return client;
}

async function post(url: string, body: unknown = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

describe('razorpay simulator (real HTTP, official SDK)', () => {
  let simulator: RunningRazorpaySimulator;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let receiver: http.Server;
  let receiverUrl: string;

  beforeAll(async () => {
    simulator = await startRazorpaySimulator(credentials);
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await simulator.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('creates and fetches orders; pay returns a checkout response signed with the key secret', async () => {
    const client = sdk(simulator.url);
    const order = await client.orders.create({ amount: 500_000, currency: 'INR', receipt: 'rcpt_1', notes: { clinicId: 'clinic-1' } });
    expect(order).toMatchObject({ id: expect.stringMatching(/^order_[A-Za-z0-9]{14}$/), amount: 500_000, currency: 'INR', status: 'created', receipt: 'rcpt_1' });

    const paid = await post(`${simulator.url}/_sim/orders/${order.id}/pay`);
    expect(paid.status).toBe(200);
    const expected = createHmac('sha256', credentials.keySecret).update(`${order.id}|${paid.body.razorpay_payment_id}`).digest('hex');
    expect(paid.body).toEqual({ razorpay_order_id: order.id, razorpay_payment_id: expect.stringMatching(/^pay_/), razorpay_signature: expected });

    const payment = await client.payments.fetch(paid.body.razorpay_payment_id);
    expect(payment).toMatchObject({ status: 'captured', amount: 500_000, currency: 'INR', order_id: order.id, captured: true });
    expect(await client.orders.fetch(order.id)).toMatchObject({ status: 'paid', amount_paid: 500_000, amount_due: 0 });
    expect((await client.orders.fetchPayments(order.id)).items.map((item: { id: string }) => item.id)).toEqual([payment.id]);
    expect((await post(`${simulator.url}/_sim/orders/${order.id}/pay`)).status).toBe(400);
  });

  it('answers a readiness probe without credentials', async () => {
    const response = await fetch(`${simulator.url}/health/ready`);
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('refuses bad credentials and invalid input in Razorpay error shape', async () => {
    const rejected = await sdk(simulator.url, 'wrong-secret-value-123').orders.create({ amount: 500_000, currency: 'INR' }).catch((error: unknown) => error);
    expect(rejected).toMatchObject({ statusCode: 401, error: { code: 'BAD_REQUEST_ERROR', description: 'Authentication failed' } });

    const invalid = await sdk(simulator.url).orders.create({ amount: 50, currency: 'INR' }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ statusCode: 400, error: { code: 'BAD_REQUEST_ERROR', field: 'amount' } });
    const missing = await sdk(simulator.url).payments.fetch('pay_doesnotexist00').catch((error: unknown) => error);
    expect(missing).toMatchObject({ statusCode: 400, error: { description: 'The id provided does not exist' } });
  });

  it('fails a payment and sends correctly signed webhooks to the target, answering what it sent', async () => {
    const order = await sdk(simulator.url).orders.create({ amount: 100_000, currency: 'INR' });
    const failed = await post(`${simulator.url}/_sim/orders/${order.id}/fail`, { code: 'BAD_REQUEST_ERROR', description: 'Card declined' });
    expect(failed.body).toMatchObject({ razorpay_payment_id: expect.stringMatching(/^pay_/), error: { description: 'Card declined' } });

    const sent = await post(`${simulator.url}/_sim/webhooks`, { event: 'payment.failed', paymentId: failed.body.razorpay_payment_id, targetUrl: receiverUrl });
    expect(sent.status).toBe(200);
    expect(sent.body.delivery).toEqual({ status: 200, body: '{}' });
    expect(received).toHaveLength(1);
    const [delivered] = received;
    expect(delivered.body).toBe(sent.body.body);
    expect(delivered.headers['x-razorpay-event-id']).toBe(sent.body.eventId);
    expect(delivered.headers['x-razorpay-signature']).toBe(createHmac('sha256', credentials.webhookSecret).update(delivered.body).digest('hex'));
    const webhook = JSON.parse(delivered.body);
    expect(webhook).toMatchObject({ event: 'payment.failed', payload: { payment: { entity: { id: failed.body.razorpay_payment_id, status: 'failed', order_id: order.id, error_description: 'Card declined' } } } });

    const paid = await post(`${simulator.url}/_sim/orders/${order.id}/pay`);
    const orderPaid = await post(`${simulator.url}/_sim/webhooks`, { event: 'order.paid', paymentId: paid.body.razorpay_payment_id, targetUrl: receiverUrl, override: { amount: 1 } });
    expect(JSON.parse(orderPaid.body.body)).toMatchObject({ contains: ['payment', 'order'], payload: { payment: { entity: { amount: 1 } }, order: { entity: { status: 'paid' } } } });
    expect(received).toHaveLength(2);
  });
});
