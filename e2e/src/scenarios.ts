// The business story and the crash test, written once and run on each transport. Everything is
// read through the public HTTP APIs, with tokens as a clinic, an admin and the marketplace.
import { randomBytes } from 'crypto';
import { call, expectStatus, System, waitFor } from './system';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

/** Run-unique ids: Kafka topics outlive a test database, so nothing may collide with an earlier run. */
export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
let phoneCounter = 0;
const newPhone = () => `+919${String(Date.now() % 1_000_000).padStart(6, '0')}${String(phoneCounter++ % 1000).padStart(3, '0')}`;

/** What Razorpay Checkout hands the browser's success handler (and /verify-payment takes). */
export interface Checkout {
  razorpay_order_id: string;
  razorpay_payment_id: string;
  razorpay_signature: string;
}

export class Actors {
  readonly clinic: string;
  readonly admin: string;
  readonly marketplace: string;
  constructor(private readonly system: System, readonly clinicId: string) {
    this.clinic = system.token('clinic', clinicId);
    this.admin = system.token('admin');
    this.marketplace = system.token('marketplace');
  }

  /** Create order → the simulator pays it (checkout) → verify: the ledger credits it. */
  async topUp(rupees: number): Promise<{ orderId: string; paymentId: string; credits: number }> {
    const order = await this.createOrder(rupees);
    const checkout = await this.pay(order.orderId);
    const verified = await expectStatus(200, 'POST', `${this.system.url('payments')}/verify-payment`, this.clinic, checkout);
    expect(verified).toMatchObject({ status: 'verified', orderId: order.orderId, credits: order.credits });
    return { orderId: order.orderId, paymentId: checkout.razorpay_payment_id, credits: order.credits };
  }

  /** A custom-amount order (₹1 = 1 credit): what Checkout needs, and the credits it will buy. */
  createOrder(rupees: number): Promise<{ orderId: string; credits: number; amount: number; currency: string }> {
    return expectStatus(201, 'POST', `${this.system.url('payments')}/create-razorpay-order`, this.clinic, { customAmountPaise: rupees * 100 });
  }

  /** The simulator plays the customer completing Checkout: the handler's signed response. */
  pay(orderId: string): Promise<Checkout> {
    return expectStatus(200, 'POST', `${this.system.url('razorpay-simulator')}/_sim/orders/${orderId}/pay`, undefined, {});
  }

  async putPackage(packageId: string, rupees: number): Promise<void> {
    const body = { clinicId: this.clinicId, name: `Package ${packageId}`, pricePaise: rupees * 100, active: true };
    const put = await call('PUT', `${this.system.url('lead-intake')}/packages/${packageId}`, this.marketplace, body);
    if (put.status !== 200 && put.status !== 201) throw new Error(`PUT /packages/${packageId} → ${put.status}: ${JSON.stringify(put.body)}`);
  }

  async submitLead(packageId: string): Promise<string> {
    const receipt = await expectStatus(201, 'POST', `${this.system.url('lead-intake')}/leads`, this.marketplace, {
      marketplaceLeadId: uniqueId('mkt'),
      clinicId: this.clinicId,
      packageId,
      patientName: 'Asha Verma',
      phone: newPhone(),
      message: 'Interested, please call after 6 pm',
    });
    return receipt.leadId;
  }

  balance(): Promise<any> {
    return expectStatus(200, 'GET', `${this.system.url('ledger')}/clinics/${this.clinicId}/balance`, this.clinic);
  }

  async waitForBalance(expected: number, description: string): Promise<any> {
    let last: unknown;
    try {
      return await waitFor(async () => {
        const balance = await this.balance();
        last = balance;
        return balance.balance === expected ? balance : null;
      }, { ...WAIT, description });
    } catch (error) {
      throw new Error(`${(error as Error).message}; last balance ${JSON.stringify(last)}\n--- ${this.system.logsOf('ledger')}`);
    }
  }

  async transactions(): Promise<any[]> {
    const page = await expectStatus(200, 'GET', `${this.system.url('ledger')}/clinics/${this.clinicId}/transactions?limit=100`, this.clinic);
    return page.items;
  }

  lead(leadId: string): Promise<any> {
    return expectStatus(200, 'GET', `${this.system.url('lead-intake')}/clinic/leads/${leadId}`, this.clinic);
  }

  waitForLead(leadId: string, status: string): Promise<any> {
    return waitFor(async () => {
      const lead = await this.lead(leadId);
      return lead.status === status ? lead : null;
    }, { ...WAIT, description: `lead ${leadId} ${status}` });
  }
}

export async function chargedLeadToRefundedDispute(system: System): Promise<void> {
  const a = new Actors(system, uniqueId('clinic-story'));
  const [t1, t3, t5] = [uniqueId('pkg-t1'), uniqueId('pkg-t3'), uniqueId('pkg-t5')];
  await a.putPackage(t1, 4_000); //   T1: 100 credits
  await a.putPackage(t3, 20_000); //  T3: 200 credits
  await a.putPackage(t5, 70_000); //  T5: 400 credits

  // 1. Top-up: ₹1,000 custom amount → 1,000 credits.
  const first = await a.topUp(1_000);
  expect(first.credits).toBe(1_000);
  await a.waitForBalance(1_000, 'balance 1000 after the first top-up');

  // 2. Leads charged by tier: 400 + 200 + 100 → 300 left; contacts released.
  const l1 = await a.submitLead(t5);
  await a.waitForBalance(600, 'T5 lead charged');
  const l2 = await a.submitLead(t3);
  await a.waitForBalance(400, 'T3 lead charged');
  const l3 = await a.submitLead(t1);
  await a.waitForBalance(300, 'T1 lead charged');
  for (const [leadId, credits] of [[l1, 400], [l2, 200], [l3, 100]] as const) {
    const lead = await a.waitForLead(leadId, 'released');
    expect(lead.creditsCharged).toBe(credits);
    expect(lead.contact.phone).toMatch(/^\+919\d{9}$/);
  }

  // 3. Balance short: a T5 lead (400) with 300 left is declined, waits, contact masked.
  const l4 = await a.submitLead(t5);
  const pending = await a.waitForLead(l4, 'pending_payment');
  expect(pending.contact.phone).toContain('*');
  const queue = await waitFor(async () => {
    const list = await expectStatus(200, 'GET', `${system.url('ledger')}/clinics/${a.clinicId}/pending-leads`, a.clinic);
    return list.items.some((item: any) => item.leadId === l4) ? list : null;
  }, { ...WAIT, description: 'lead in the pending queue' });
  expect(queue.items).toEqual([expect.objectContaining({ leadId: l4, credits: 400 })]);
  expect((await a.balance()).balance).toBe(300);

  // 4. Top-up → the waiting lead is charged and released: 300 + 1000 − 400 = 900.
  await a.topUp(1_000);
  await a.waitForBalance(900, 'top-up charged the waiting lead');
  const released = await a.waitForLead(l4, 'released');
  expect(released.contact.phone).not.toContain('*');
  expect(released.creditsCharged).toBe(400);
  const emptyQueue = await expectStatus(200, 'GET', `${system.url('ledger')}/clinics/${a.clinicId}/pending-leads`, a.clinic);
  expect(emptyQueue.items).toEqual([]);

  // 5. Dispute the T3 lead (200 credits); the disputes service knows the charge once the ledger's event arrives.
  const disputes = system.url('disputes');
  const dispute = await waitFor(async () => {
    const opened = await call('POST', `${disputes}/clinic/disputes/create/${l2}`, a.clinic, { disputeType: 'invalid_contact', description: 'The number is switched off; five calls over two days.' });
    if (opened.status === 404) return null; // the charge has not reached the disputes service yet
    if (opened.status !== 201) throw new Error(`dispute → ${opened.status}: ${JSON.stringify(opened.body)}`);
    return opened.body;
  }, { ...WAIT, description: 'dispute opened' });
  expect(dispute).toMatchObject({ leadId: l2, clinicId: a.clinicId, status: 'pending', chargedCredits: 200 });
  const own = await expectStatus(200, 'GET', `${disputes}/clinic/disputes`, a.clinic);
  expect(own.items.map((d: any) => d.id)).toEqual([dispute.id]);

  // 6. Partial approval (150 of 200) → approved; the ledger refunds → refunded, resolved.
  const approved = await expectStatus(200, 'POST', `${disputes}/admin/disputes/${dispute.id}/approve`, a.admin, { refundAmount: 150, adminNotes: 'Contact partly valid' });
  expect(approved).toMatchObject({ status: 'approved', refundAmount: 150 });
  await a.waitForBalance(1_050, 'refund credited');
  const refunded = await waitFor(async () => {
    const d = await expectStatus(200, 'GET', `${disputes}/admin/disputes/${dispute.id}`, a.admin);
    return d.status === 'refunded' ? d : null;
  }, { ...WAIT, description: 'dispute refunded' });
  expect(refunded).toMatchObject({ refundAmount: 150, refundedAmount: 150, resolvedAt: expect.any(String) });

  // 7. The books: balance and lifetime figures, and the history, newest first.
  const balance = await a.balance();
  expect(balance).toMatchObject({ clinicId: a.clinicId, balance: 1_050 });
  const history = await a.transactions();
  expect(history.map((t: any) => [t.type, t.amount, t.balanceAfter])).toEqual([
    ['refund', 150, 1_050],
    ['deduction', -400, 900],
    ['purchase', 1_000, 1_300],
    ['deduction', -100, 300],
    ['deduction', -200, 400],
    ['deduction', -400, 600],
    ['purchase', 1_000, 1_000],
  ]);
  expect(history[0]).toMatchObject({ disputeId: dispute.id, leadId: l2 });
  expect(history.filter((t: any) => t.type === 'deduction').map((t: any) => t.leadId)).toEqual([l4, l3, l2, l1]);

  // Another clinic sees none of it.
  const stranger = system.token('clinic', uniqueId('clinic-other'));
  expect((await call('GET', `${system.url('ledger')}/clinics/${a.clinicId}/balance`, stranger)).status).toBe(403);
  expect((await call('GET', `${system.url('lead-intake')}/clinic/leads/${l1}`, stranger)).status).toBe(404);
  expect((await expectStatus(200, 'GET', `${disputes}/clinic/disputes`, stranger)).items).toEqual([]);
}

/**
 * kill -9 the ledger in the middle of a stream of leads, start it again: none lost, none charged
 * twice. The stream keeps flowing across the kill: the ledger dies once some (not all) of it is
 * charged, and more leads arrive while it is down.
 */
export async function ledgerCrashLosesNothing(system: System): Promise<void> {
  const a = new Actors(system, uniqueId('clinic-crash'));
  const pkg = uniqueId('pkg-t1');
  await a.putPackage(pkg, 4_000); // 100 credits a lead
  await a.topUp(10_000);
  await a.waitForBalance(10_000, 'crash clinic topped up');

  const KILL_AFTER_CHARGED = 10;
  const AHEAD = 5; // leads posted ahead of the ledger's charges until the kill: it is busy when it dies
  const WHILE_DOWN = 10; // leads that arrive while the ledger is dead
  const charged = async () => (10_000 - (await a.balance()).balance) / 100;
  const leads: string[] = [];
  let killed = false;
  let stopAt = Number.POSITIVE_INFINITY;
  const stream = (async () => {
    while (leads.length < stopAt) {
      if (!killed) await waitFor(async () => killed || leads.length - (await charged()) < AHEAD, { ...WAIT, intervalMs: 20, description: 'the ledger keeping up with the stream' });
      leads.push(await a.submitLead(pkg));
    }
  })();

  // kill -9 once some of the stream is charged; leads keep coming while the ledger is down.
  const chargedBeforeKill = await waitFor(async () => {
    const count = await charged();
    return count >= KILL_AFTER_CHARGED ? count : null;
  }, { ...WAIT, intervalMs: 20, description: `ledger charging the first ${KILL_AFTER_CHARGED} leads of the stream` });
  await system.kill('ledger', 'SIGKILL');
  killed = true;
  const postedAtKill = leads.length;
  stopAt = postedAtKill + WHILE_DOWN;
  await stream;
  await system.restart('ledger');
  const TOTAL = leads.length;
  expect(TOTAL).toBe(postedAtKill + WHILE_DOWN);
  expect(chargedBeforeKill).toBeLessThan(TOTAL);
  expect(TOTAL).toBeLessThanOrEqual(100); // what the balance covers

  await a.waitForBalance(10_000 - TOTAL * 100, `all ${TOTAL} leads charged once`);
  const deductions = (await a.transactions()).filter((t: any) => t.type === 'deduction');
  expect(deductions).toHaveLength(TOTAL);
  expect(new Set(deductions.map((t: any) => t.leadId))).toEqual(new Set(leads));
  expect(deductions.every((t: any) => t.amount === -100)).toBe(true);
  for (const leadId of leads) expect((await a.waitForLead(leadId, 'released')).creditsCharged).toBe(100);
  const pending = await expectStatus(200, 'GET', `${system.url('ledger')}/clinics/${a.clinicId}/pending-leads`, a.clinic);
  expect(pending.items).toEqual([]);
}
