import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * A small stand-in for the Razorpay API: the endpoints the official `razorpay` SDK calls for
 * orders and payments (Basic auth, Razorpay's error shape), plus test-only `/_sim/*` calls that
 * play the customer (pay / fail an order, answering what Checkout would hand the browser) and
 * Razorpay's webhook sender (correctly signed with the webhook secret).
 *
 * State lives in memory; one simulator per test file or per dev stack.
 */
export interface RazorpaySimulatorOptions {
  port?: number;
  host?: string;
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** Where `/_sim/webhooks` sends when the request names no `targetUrl`. */
  webhookUrl?: string;
}

export interface RunningRazorpaySimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface SimOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  offer_id: null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Record<string, string>;
  created_at: number;
}

interface SimPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'authorized' | 'captured' | 'failed';
  order_id: string;
  invoice_id: null;
  international: false;
  method: 'upi';
  amount_refunded: 0;
  refund_status: null;
  captured: boolean;
  description: string | null;
  email: string;
  contact: string;
  notes: Record<string, string>;
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  created_at: number;
}

class SimError extends Error {
  constructor(readonly status: number, readonly description: string, readonly field: string | null = null) {
    super(description);
  }
}

/** Razorpay's error body: `{ error: { code, description, field, source, step, reason, metadata } }`. */
function errorBody(description: string, field: string | null) {
  return { error: { code: 'BAD_REQUEST_ERROR', description, field, source: 'business', step: 'payment_initiation', reason: 'input_validation_failed', metadata: {} } };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Razorpay ids are a prefix plus 14 alphanumerics, e.g. order_EKwxwAgItmmXdp. */
function razorpayId(prefix: string): string {
  return `${prefix}_${[...randomBytes(14)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const hmacHex = (secret: string, data: string | Buffer) => createHmac('sha256', secret).update(data).digest('hex');

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new SimError(400, 'The request body is not a valid JSON object');
  }
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function startRazorpaySimulator(options: RazorpaySimulatorOptions): Promise<RunningRazorpaySimulator> {
  const orders = new Map<string, SimOrder>();
  const payments = new Map<string, SimPayment>();
  const expectedAuth = `Basic ${Buffer.from(`${options.keyId}:${options.keySecret}`).toString('base64')}`;

  const orderOr404 = (id: string): SimOrder => {
    const order = orders.get(id);
    if (!order) throw new SimError(400, 'The id provided does not exist', 'id');
    return order;
  };

  function createOrder(body: Record<string, unknown>): SimOrder {
    const { amount, currency, receipt, notes } = body;
    if (typeof amount !== 'number' || !Number.isInteger(amount)) throw new SimError(400, 'The amount must be an integer.', 'amount');
    if (amount < 100) throw new SimError(400, 'The amount must be atleast INR 1.00', 'amount');
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw new SimError(400, 'The currency is invalid.', 'currency');
    if (receipt !== undefined && (typeof receipt !== 'string' || receipt.length > 40)) {
      throw new SimError(400, 'The receipt may not be greater than 40 characters.', 'receipt');
    }
    if (notes !== undefined && (typeof notes !== 'object' || notes === null || Object.keys(notes).length > 15)) {
      throw new SimError(400, 'The notes must be an object of at most 15 keys.', 'notes');
    }
    const order: SimOrder = {
      id: razorpayId('order'),
      entity: 'order',
      amount,
      amount_paid: 0,
      amount_due: amount,
      currency,
      receipt: (receipt as string | undefined) ?? null,
      offer_id: null,
      status: 'created',
      attempts: 0,
      notes: (notes as Record<string, string> | undefined) ?? {},
      created_at: now(),
    };
    orders.set(order.id, order);
    return order;
  }

  function newPayment(order: SimOrder, status: SimPayment['status']): SimPayment {
    const payment: SimPayment = {
      id: razorpayId('pay'),
      entity: 'payment',
      amount: order.amount,
      currency: order.currency,
      status,
      order_id: order.id,
      invoice_id: null,
      international: false,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: status === 'captured',
      description: null,
      email: 'patient@example.com',
      contact: '+919000000000',
      notes: order.notes,
      fee: null,
      tax: null,
      error_code: null,
      error_description: null,
      error_source: null,
      error_step: null,
      error_reason: null,
      created_at: now(),
    };
    order.attempts += 1;
    payments.set(payment.id, payment);
    return payment;
  }

  function markCaptured(order: SimOrder, payment: SimPayment): void {
    payment.status = 'captured';
    payment.captured = true;
    order.status = 'paid';
    order.amount_paid = order.amount;
    order.amount_due = 0;
  }

  /**
   * The customer completes Checkout and gets the handler's signed response. Captured at once
   * (auto-capture), or only authorized with `{ "capture": false }` until `/_sim/payments/:id/capture`.
   */
  function pay(orderId: string, body: Record<string, unknown>) {
    const order = orderOr404(orderId);
    if (order.status === 'paid') throw new SimError(400, 'Order has already been paid', 'order_id');
    const payment = newPayment(order, 'authorized');
    if (body.capture === false) order.status = 'attempted';
    else markCaptured(order, payment);
    return {
      razorpay_order_id: order.id,
      razorpay_payment_id: payment.id,
      razorpay_signature: hmacHex(options.keySecret, `${order.id}|${payment.id}`),
    };
  }

  function capture(paymentId: string) {
    const payment = payments.get(paymentId);
    if (!payment) throw new SimError(400, 'The id provided does not exist', 'id');
    if (payment.status !== 'authorized') throw new SimError(400, 'This payment has already been captured or has failed', 'id');
    markCaptured(orderOr404(payment.order_id), payment);
    return payment;
  }

  /** The customer's payment attempt fails (the order stays payable, as on Razorpay). */
  function fail(orderId: string, body: Record<string, unknown>) {
    const order = orderOr404(orderId);
    if (order.status === 'paid') throw new SimError(400, 'Order has already been paid', 'order_id');
    const payment = newPayment(order, 'failed');
    payment.error_code = typeof body.code === 'string' ? body.code : 'BAD_REQUEST_ERROR';
    payment.error_description = typeof body.description === 'string' ? body.description : 'Payment failed because the bank declined it';
    payment.error_source = 'bank';
    payment.error_step = 'payment_authorization';
    payment.error_reason = typeof body.reason === 'string' ? body.reason : 'payment_declined';
    order.status = 'attempted';
    return {
      razorpay_payment_id: payment.id,
      error: {
        code: payment.error_code,
        description: payment.error_description,
        source: payment.error_source,
        step: payment.error_step,
        reason: payment.error_reason,
        metadata: { order_id: order.id, payment_id: payment.id },
      },
    };
  }

  /**
   * Builds a webhook the way Razorpay does, signs the exact body with the webhook secret and
   * POSTs it to the target. `override` changes fields of the payment entity after the fact (a
   * correctly signed but inconsistent event, for tests). Answers what it sent, so tests can replay it.
   */
  async function sendWebhook(body: Record<string, unknown>) {
    const event = typeof body.event === 'string' ? body.event : undefined;
    if (!event) throw new SimError(400, 'event is required', 'event');
    const payment = typeof body.paymentId === 'string' ? payments.get(body.paymentId) : undefined;
    if (!payment) throw new SimError(400, 'paymentId must name a payment of this simulator', 'paymentId');
    const order = orderOr404(payment.order_id);
    const override = (typeof body.override === 'object' && body.override !== null ? body.override : {}) as Partial<SimPayment>;
    const paymentEntity = { ...payment, ...override };
    const contains = event.startsWith('order.') ? ['payment', 'order'] : ['payment'];
    const webhook = {
      entity: 'event',
      account_id: 'acc_Simulator00001',
      event,
      contains,
      payload: {
        payment: { entity: paymentEntity },
        ...(contains.includes('order') ? { order: { entity: { ...order } } } : {}),
      },
      created_at: now(),
    };
    const text = JSON.stringify(webhook);
    const eventId = typeof body.eventId === 'string' ? body.eventId : razorpayId('evt');
    const headers = {
      'content-type': 'application/json',
      'x-razorpay-event-id': eventId,
      'x-razorpay-signature': hmacHex(options.webhookSecret, text),
    };
    const targetUrl = typeof body.targetUrl === 'string' ? body.targetUrl : options.webhookUrl;
    if (!targetUrl) throw new SimError(400, 'targetUrl is required (no default webhook URL configured)', 'targetUrl');
    let delivery: { status: number; body: string } | { error: string };
    try {
      const reply = await fetch(targetUrl, { method: 'POST', headers, body: text, signal: AbortSignal.timeout(10_000) });
      delivery = { status: reply.status, body: await reply.text() };
    } catch (error) {
      delivery = { error: error instanceof Error ? error.message : String(error) };
    }
    return { eventId, targetUrl, headers, body: text, delivery };
  }

  async function route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/\/+$/, '');
    const method = request.method ?? 'GET';
    let match: RegExpExecArray | null;

    if (method === 'GET' && (path === '/health' || path === '/health/ready')) return send(response, 200, { status: 'ready' });
    if (path.startsWith('/_sim/')) {
      const body = method === 'POST' ? await readJson(request) : {};
      if (method === 'POST' && (match = /^\/_sim\/orders\/([^/]+)\/pay$/.exec(path))) return send(response, 200, pay(match[1], body));
      if (method === 'POST' && (match = /^\/_sim\/payments\/([^/]+)\/capture$/.exec(path))) return send(response, 200, capture(match[1]));
      if (method === 'POST' && (match = /^\/_sim\/orders\/([^/]+)\/fail$/.exec(path))) return send(response, 200, fail(match[1], body));
      if (method === 'POST' && path === '/_sim/webhooks') return send(response, 200, await sendWebhook(body));
      throw new SimError(404, 'The requested URL was not found on the server.');
    }

    if (!path.startsWith('/v1/')) throw new SimError(404, 'The requested URL was not found on the server.');
    const auth = request.headers.authorization ?? '';
    if (!constantTimeEqual(auth, expectedAuth)) throw new SimError(401, 'Authentication failed');

    if (method === 'POST' && path === '/v1/orders') return send(response, 200, createOrder(await readJson(request)));
    if (method === 'GET' && (match = /^\/v1\/orders\/([^/]+)$/.exec(path))) return send(response, 200, orderOr404(match[1]));
    if (method === 'GET' && (match = /^\/v1\/orders\/([^/]+)\/payments$/.exec(path))) {
      const order = orderOr404(match[1]);
      const items = [...payments.values()].filter((payment) => payment.order_id === order.id).reverse();
      return send(response, 200, { entity: 'collection', count: items.length, items });
    }
    if (method === 'GET' && (match = /^\/v1\/payments\/([^/]+)$/.exec(path))) {
      const payment = payments.get(match[1]);
      if (!payment) throw new SimError(400, 'The id provided does not exist', 'id');
      return send(response, 200, payment);
    }
    throw new SimError(404, 'The requested URL was not found on the server.');
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof SimError) return send(response, error.status, errorBody(error.description, error.field));
      send(response, 500, { error: { code: 'SERVER_ERROR', description: 'The server encountered an error', field: null, source: 'NA', step: 'NA', reason: 'NA', metadata: {} } });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Development credentials the simulator and the payments service share by default (never real keys). */
export const DEV_RAZORPAY_CREDENTIALS = {
  keyId: 'rzp_test_devsimulator',
  keySecret: 'dev-only-razorpay-key-secret',
  webhookSecret: 'dev-only-razorpay-webhook-secret',
} as const;

