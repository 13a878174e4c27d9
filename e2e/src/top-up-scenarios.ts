// Issue 4's top-up guarantees across payments → ledger, over HTTP: one payment is credited once
// however many ways it is confirmed, and a refused confirmation credits nothing. "Nothing" is
// only provable after the pipeline has settled, so each check waits on a positive control: a
// legitimate top-up made afterwards, whose credit can only arrive after anything sent before it.
import { Actors, Checkout, uniqueId } from './scenarios';
import { call, expectStatus, System, waitFor } from './system';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

/** What the simulator answers for `/_sim/webhooks`: the exact request it sent, and payments' answer. */
interface SentWebhook {
  eventId: string;
  targetUrl: string;
  headers: Record<string, string>;
  body: string;
  delivery: { status: number; body: string } | { error: string };
}

function sendWebhook(system: System, event: string, paymentId: string, override?: Record<string, unknown>): Promise<SentWebhook> {
  return expectStatus(200, 'POST', `${system.url('razorpay-simulator')}/_sim/webhooks`, undefined, { event, paymentId, ...(override ? { override } : {}) });
}

/** payments' answer to a webhook, as delivered (status and parsed JSON body). */
function answerOf(sent: SentWebhook): { status: number; body: any } {
  if ('error' in sent.delivery) throw new Error(`webhook ${sent.eventId} not delivered: ${sent.delivery.error}`);
  return { status: sent.delivery.status, body: JSON.parse(sent.delivery.body) };
}

/** Razorpay's retry: the very same bytes and headers (event id, signature) once more. */
async function redeliver(sent: SentWebhook): Promise<{ status: number; body: any }> {
  const response = await fetch(sent.targetUrl, { method: 'POST', headers: sent.headers, body: sent.body });
  return { status: response.status, body: await response.json() };
}

const verifyPayment = (system: System, token: string, checkout: Checkout) => call('POST', `${system.url('payments')}/verify-payment`, token, checkout);
const paymentHistory = async (system: System, a: Actors): Promise<any[]> => (await expectStatus(200, 'GET', `${system.url('payments')}/clinic/payments`, a.clinic)).items;

/** Waits until payments has logged "Payment verified" for each payment, then counts them per payment. */
async function paymentVerifiedLogLines(system: System, paymentIds: string[]): Promise<number[]> {
  const count = (messages: string[], paymentId: string) => messages.filter((msg) => msg.startsWith(`Payment verified: ${paymentId},`)).length;
  const messages = await waitFor(() => {
    const all = system.logMessages('payments');
    return paymentIds.every((id) => count(all, id) > 0) ? all : null;
  }, { ...WAIT, description: 'payments logged every verification' });
  return paymentIds.map((id) => count(messages, id));
}

/** Checkout verify + payment.captured + Razorpay's retry of it + order.paid → one PaymentVerified, one CreditsPurchased. */
export async function onePaymentCreditedOnce(system: System): Promise<void> {
  const a = new Actors(system, uniqueId('clinic-webhooks'));

  // Payment 1: checkout verify first, then every webhook Razorpay sends for it.
  const order = await a.createOrder(1_500);
  const checkout = await a.pay(order.orderId);
  const paymentId = checkout.razorpay_payment_id;
  expect(await expectStatus(200, 'POST', `${system.url('payments')}/verify-payment`, a.clinic, checkout)).toMatchObject({ status: 'verified', credits: 1_500, alreadyVerified: false });
  const captured = await sendWebhook(system, 'payment.captured', paymentId);
  expect(answerOf(captured)).toEqual({ status: 200, body: { received: true, outcome: 'already_verified', duplicate: false } });
  expect(await redeliver(captured)).toEqual({ status: 200, body: { received: true, outcome: 'already_verified', duplicate: true } });
  const orderPaid = await sendWebhook(system, 'order.paid', paymentId);
  expect(answerOf(orderPaid)).toEqual({ status: 200, body: { received: true, outcome: 'already_verified', duplicate: false } });
  // A second checkout verify (the browser retries) is answered, not re-applied.
  expect(await expectStatus(200, 'POST', `${system.url('payments')}/verify-payment`, a.clinic, checkout)).toMatchObject({ status: 'verified', credits: 1_500, alreadyVerified: true });

  // Payment 2, the other way round (webhook first, retried, then checkout) — and the positive
  // control: its credit arrives after anything payment 1 could have sent.
  const order2 = await a.createOrder(1_200);
  const checkout2 = await a.pay(order2.orderId);
  const captured2 = await sendWebhook(system, 'payment.captured', checkout2.razorpay_payment_id);
  expect(answerOf(captured2)).toEqual({ status: 200, body: { received: true, outcome: 'verified', duplicate: false } });
  expect(await redeliver(captured2)).toEqual({ status: 200, body: { received: true, outcome: 'verified', duplicate: true } });
  expect(await expectStatus(200, 'POST', `${system.url('payments')}/verify-payment`, a.clinic, checkout2)).toMatchObject({ status: 'verified', credits: 1_200, alreadyVerified: true });
  await a.waitForBalance(2_700, 'both payments credited');

  // One PaymentVerified per payment (its log line), one purchase per payment, the balance rose once each.
  expect(await paymentVerifiedLogLines(system, [paymentId, checkout2.razorpay_payment_id])).toEqual([1, 1]);
  expect((await a.balance()).balance).toBe(2_700);
  const history = await a.transactions();
  expect(history.map((t: any) => [t.type, t.paymentId, t.amount, t.balanceAfter])).toEqual([
    ['purchase', checkout2.razorpay_payment_id, 1_200, 2_700],
    ['purchase', paymentId, 1_500, 1_500],
  ]);
  const payments = await paymentHistory(system, a);
  expect(payments.map((p: any) => [p.orderId, p.status, p.paymentId, p.verifiedVia, p.credits, p.amountPaise])).toEqual([
    [order2.orderId, 'paid', checkout2.razorpay_payment_id, 'webhook', 1_200, 120_000],
    [order.orderId, 'paid', paymentId, 'checkout', 1_500, 150_000],
  ]);
}

/** Tampered signature, another clinic's order, amount or currency mismatch, a signature replayed for another order → 4xx, no credit. */
export async function refusedPaymentsCreditNothing(system: System): Promise<void> {
  const a = new Actors(system, uniqueId('clinic-refused'));
  const other = new Actors(system, uniqueId('clinic-intruder'));

  // Two of a's orders, paid at Razorpay but never legitimately confirmed to us.
  const order1 = await a.createOrder(1_000);
  const checkout1 = await a.pay(order1.orderId);
  const order2 = await a.createOrder(2_000);
  const checkout2 = await a.pay(order2.orderId);

  // A tampered signature (last hex digit changed).
  const last = checkout1.razorpay_signature.slice(-1);
  const tampered = { ...checkout1, razorpay_signature: `${checkout1.razorpay_signature.slice(0, -1)}${last === '0' ? '1' : '0'}` };
  const tamperedAnswer = await verifyPayment(system, a.clinic, tampered);
  expect(tamperedAnswer.status).toBe(400);
  expect(JSON.stringify(tamperedAnswer.body)).toContain('razorpay_signature');

  // Another clinic presents a's genuine checkout response: answered as if the order did not exist.
  const intruderAnswer = await verifyPayment(system, other.clinic, checkout1);
  expect(intruderAnswer.status).toBe(404);
  expect(JSON.stringify(intruderAnswer.body)).toContain('razorpay_order_id');

  // Order 1's signature replayed for order 2: with order 1's payment, and with order 2's own payment.
  for (const replayed of [
    { razorpay_order_id: order2.orderId, razorpay_payment_id: checkout1.razorpay_payment_id, razorpay_signature: checkout1.razorpay_signature },
    { razorpay_order_id: order2.orderId, razorpay_payment_id: checkout2.razorpay_payment_id, razorpay_signature: checkout1.razorpay_signature },
  ]) {
    const answer = await verifyPayment(system, a.clinic, replayed);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('razorpay_signature');
  }

  // Correctly signed webhooks whose payment does not match the stored order: refused with 400, and again when Razorpay retries.
  const amountMismatch = await sendWebhook(system, 'payment.captured', checkout1.razorpay_payment_id, { amount: order1.amount - 100 });
  const currencyMismatch = await sendWebhook(system, 'order.paid', checkout2.razorpay_payment_id, { currency: 'USD' });
  for (const [sent, field] of [[amountMismatch, 'amount'], [currencyMismatch, 'currency']] as const) {
    const answer = answerOf(sent);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(`payload.payment.entity.${field}`);
    expect((await redeliver(sent)).status).toBe(400);
  }

  // Positive controls, one per clinic: a legitimate top-up made after all of the above.
  const legit = await a.topUp(3_000);
  const otherLegit = await other.topUp(1_000);
  await a.waitForBalance(3_000, 'the legitimate top-up credited');
  await other.waitForBalance(1_000, "the other clinic's legitimate top-up credited");

  // Exactly the legitimate credits, nothing from the refused attempts.
  expect((await a.balance()).balance).toBe(3_000);
  expect((await a.transactions()).map((t: any) => [t.type, t.paymentId, t.amount])).toEqual([['purchase', legit.paymentId, 3_000]]);
  expect((await other.balance()).balance).toBe(1_000);
  expect((await other.transactions()).map((t: any) => [t.type, t.paymentId, t.amount])).toEqual([['purchase', otherLegit.paymentId, 1_000]]);
  const payments = await paymentHistory(system, a);
  expect(payments.map((p: any) => [p.orderId, p.status, p.paymentId])).toEqual([
    [legit.orderId, 'paid', legit.paymentId],
    [order2.orderId, 'created', null],
    [order1.orderId, 'created', null],
  ]);
  expect(system.logMessages('payments').filter((msg) => msg.includes(checkout1.razorpay_payment_id) || msg.includes(checkout2.razorpay_payment_id))).not.toContainEqual(
    expect.stringMatching(/^Payment verified/),
  );
}
