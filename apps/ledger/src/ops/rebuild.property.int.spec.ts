import { randomUUID } from 'crypto';
import fc from 'fast-check';
import request from 'supertest';
import { AnyEvent, eventHeaders } from '@clinic/contracts';
import { priceLead } from '@clinic/ledger-domain';
import { EventConsumer, EventContext, TRANSPORT, Transport } from '@clinic/messaging';
import { LeadCreatedHandler } from '../charging/lead-created.handler';
import { DisputeApprovedHandler } from '../refunds/dispute-approved.handler';
import { LedgerHarness, startLedger, upstream } from '../test/ledger-harness';
import { PaymentVerifiedHandler } from '../top-up/payment-verified.handler';
import { rebuildReadModels } from './rebuild';
import { verifyLedger } from './verify';

/**
 * Issue 3, first "Done when" line, against the real ledger on real Postgres: for any sequence of
 * upstream events and admin adjustments, in any batch split, the balance is never negative and
 * equals the sum of the stream, verify finds nothing, a rebuild reproduces the live read models,
 * and every business key takes effect at most once.
 *
 * Events go through the real inbox (an EventConsumer on this service's database) into the ledger's
 * own @EventPattern handlers, one consumed batch per transaction, as the bus would deliver them;
 * adjustments go through the admin HTTP API. Each run uses clinics and keys of its own, so runs
 * share one database (the stream refuses DELETE/TRUNCATE) and each rebuild/verify covers all of
 * them.
 */

const CLINICS_PER_RUN = 3;
const THRESHOLD = 500;

// Prices in every tier, with each tier's edges (in paise; tiers from ARCHITECTURE §4).
const TIER_EDGES = [0, 500_000, 1_500_000, 3_000_000, 6_000_000, 10_000_000];
const packagePrice = fc.oneof(
  fc.constantFrom(...TIER_EDGES, ...TIER_EDGES.slice(1).map((edge) => edge - 1)),
  fc.integer({ min: 0, max: 12_000_000 }),
  fc.integer({ min: 10_000_000, max: 1_000_000_000 }),
);
const clinic = fc.nat({ max: CLINICS_PER_RUN - 1 });
/** Which earlier item a repeat refers to (taken modulo how many there are). */
const earlier = fc.nat({ max: 1000 });

type Step =
  | { kind: 'lead'; clinic: number; price: number; cut: boolean }
  | { kind: 'leadAgain'; which: number; sameEventId: boolean; toOtherClinic: boolean; cut: boolean }
  | { kind: 'payment'; clinic: number; credits: number; cut: boolean }
  | { kind: 'paymentAgain'; which: number; sameEventId: boolean; cut: boolean }
  | { kind: 'dispute'; lead: number | 'unknown'; refund: number; wrongClinic: boolean; cut: boolean }
  | { kind: 'disputeAgain'; which: number; sameEventId: boolean; cut: boolean }
  | { kind: 'adjust'; clinic: number; amount: number }
  | { kind: 'adjustAgain'; which: number };

const cut = fc.boolean(); // ends the consumed batch after this event
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('lead' as const), clinic, price: packagePrice, cut }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('leadAgain' as const), which: earlier, sameEventId: fc.boolean(), toOtherClinic: fc.nat({ max: 4 }).map((n) => n === 0), cut }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('payment' as const), clinic, credits: fc.integer({ min: 1, max: 1_200 }), cut }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('paymentAgain' as const), which: earlier, sameEventId: fc.boolean(), cut }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('dispute' as const),
      lead: fc.oneof({ arbitrary: earlier, weight: 5 }, { arbitrary: fc.constant('unknown' as const), weight: 1 }),
      refund: fc.integer({ min: 1, max: 700 }), // some above any lead's cost (100-500)
      wrongClinic: fc.boolean(),
      cut,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('disputeAgain' as const), which: earlier, sameEventId: fc.boolean(), cut }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('adjust' as const), clinic, amount: fc.integer({ min: -800, max: 800 }).filter((n) => n !== 0) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('adjustAgain' as const), which: earlier }), weight: 1 },
);
// size 'max': lengths up to 60 from the start (the default size keeps arrays near 10); shrinking can go down to 1.
const script = fc.array(step, { minLength: 1, maxLength: 60, size: 'max' });

const redelivered = <T extends AnyEvent>(event: T, sameEventId: boolean): T => (sameEventId ? event : { ...event, eventId: randomUUID() });

describe('ledger properties over any event sequence (real Postgres)', () => {
  let ledger: LedgerHarness;
  let http: ReturnType<typeof request>;
  let consumer: EventConsumer;
  let offset = 0;
  let runNo = 0;
  const GROUP = 'ledger-property';

  beforeAll(async () => {
    ledger = await startLedger({ lowBalanceThreshold: THRESHOLD });
    http = request(ledger.svc.app.getHttpServer());
    const onLead = ledger.svc.app.get(LeadCreatedHandler);
    const onPayment = ledger.svc.app.get(PaymentVerifiedHandler);
    const onDispute = ledger.svc.app.get(DisputeApprovedHandler);
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    consumer = new EventConsumer({
      db: ledger.db,
      transport: ledger.svc.app.get<Transport>(TRANSPORT),
      groupId: GROUP,
      topics: [],
      // Exactly the handlers the bus calls; no retries, so a failing batch dead-letters at once (asserted below).
      handle: async (event: AnyEvent, ctx: EventContext) => {
        if (event.type === 'LeadCreated') await onLead.onLeadCreated(event, ctx);
        else if (event.type === 'PaymentVerified') await onPayment.onPaymentVerified(event, ctx);
        else if (event.type === 'DisputeApproved') await onDispute.onDisputeApproved(event, ctx);
        else throw new Error(`unexpected ${event.type}`);
      },
      maxAttempts: 1,
      backoffMs: 0,
      logger: silent,
    });
  });
  afterAll(async () => {
    await ledger?.close();
  });

  /** How often the runs reached the cases that matter, so a weakened generator cannot pass unnoticed. */
  const reached = { declinedThenCharged: 0, refundCapped: 0, overdrawRefused: 0, adjustmentReplayed: 0, eventRedelivered: 0, pendingAtEnd: 0 };
  const admin = () => ({ Authorization: `Bearer ${ledger.token('admin')}` });

  async function deliver(events: AnyEvent[]): Promise<void> {
    if (events.length === 0) return;
    await consumer.handleBatch(
      events.map((event) => ({ topic: 'property.in', partition: 0, offset: String(offset++), key: event.clinicId, value: JSON.stringify(event), headers: eventHeaders(event) })),
    );
  }

  /** Full rows of both read models; updated_at is when a row was written, not data derived from the stream. */
  async function readModels() {
    const balances = await ledger.db.query<{ clinic_id: string; updated_at: Date }>('SELECT * FROM clinic_balances ORDER BY clinic_id');
    const pending = await ledger.db.query<{ clinic_id: string }>('SELECT * FROM pending_leads ORDER BY lead_id');
    return { balances: balances.rows.map(({ updated_at: _writtenAt, ...row }) => row), pending: pending.rows };
  }

  async function balanceNow(clinicId: string): Promise<number> {
    const { rows } = await ledger.db.query<{ balance: number }>('SELECT balance FROM clinic_balances WHERE clinic_id = $1', [clinicId]);
    return rows[0]?.balance ?? 0;
  }

  /** Turns the abstract script into events and HTTP calls with ids of this run, applies it, and returns what was sent. */
  async function play(steps: Step[]) {
    const run = `p${++runNo}-${randomUUID().slice(0, 8)}`;
    const clinics = Array.from({ length: CLINICS_PER_RUN }, (_, i) => `${run}-c${i}`);
    const leads: Array<ReturnType<typeof upstream.leadCreated>> = [];
    const payments: Array<ReturnType<typeof upstream.paymentVerified>> = [];
    const disputes: Array<ReturnType<typeof upstream.disputeApproved>> = [];
    const adjustments: Array<{ clinicId: string; key: string; amount: number; body?: Record<string, unknown> }> = [];
    const sent: AnyEvent[] = [];
    let batch: AnyEvent[] = [];
    const push = async (event: AnyEvent, endBatch: boolean) => {
      batch.push(event);
      sent.push(event);
      if (endBatch) {
        await deliver(batch);
        batch = [];
      }
    };

    for (const s of steps) {
      switch (s.kind) {
        case 'lead': {
          const event = upstream.leadCreated(clinics[s.clinic], { packagePricePaise: s.price });
          leads.push(event);
          await push(event, s.cut);
          break;
        }
        case 'leadAgain': {
          if (leads.length === 0) break;
          const original = leads[s.which % leads.length];
          // A bogus copy of another clinic's lead must not charge anyone (lead ids are global).
          const copy = s.toOtherClinic
            ? { ...original, eventId: randomUUID(), clinicId: clinics[(clinics.indexOf(original.clinicId) + 1) % clinics.length] }
            : redelivered(original, s.sameEventId);
          if (s.toOtherClinic) copy.payload = { ...original.payload, clinicId: copy.clinicId };
          await push(copy, s.cut);
          break;
        }
        case 'payment': {
          const event = upstream.paymentVerified(clinics[s.clinic], s.credits, `pay_${run}_${payments.length}`);
          payments.push(event);
          await push(event, s.cut);
          break;
        }
        case 'paymentAgain':
          if (payments.length > 0) await push(redelivered(payments[s.which % payments.length], s.sameEventId), s.cut);
          break;
        case 'dispute': {
          const lead = s.lead === 'unknown' || leads.length === 0 ? null : leads[s.lead % leads.length];
          const leadClinic = lead?.clinicId ?? clinics[0];
          const clinicId = s.wrongClinic ? clinics[(clinics.indexOf(leadClinic) + 1) % clinics.length] : leadClinic;
          const event = upstream.disputeApproved(clinicId, lead?.payload.leadId ?? randomUUID(), s.refund);
          disputes.push(event);
          await push(event, s.cut);
          break;
        }
        case 'disputeAgain':
          if (disputes.length > 0) await push(redelivered(disputes[s.which % disputes.length], s.sameEventId), s.cut);
          break;
        case 'adjust':
        case 'adjustAgain': {
          // An admin acts between consumed batches (the batch so far commits first), so the
          // expected answer follows from the balance just before the request.
          await deliver(batch);
          batch = [];
          if (s.kind === 'adjustAgain' && adjustments.length === 0) break;
          const adjustment = s.kind === 'adjust'
            ? { clinicId: clinics[s.clinic], key: `adj_${run}_${adjustments.length}`, amount: s.amount }
            : adjustments[s.which % adjustments.length];
          const before = await balanceNow(adjustment.clinicId);
          const response = await http
            .post(`/admin/clinics/${adjustment.clinicId}/adjustments`)
            .set(admin())
            .set('Idempotency-Key', adjustment.key)
            .send({ amount: adjustment.amount, reason: 'property test' });
          if (adjustment.body) {
            // A replay answers as the first request did, and writes nothing.
            expect(response.status).toBe(201);
            expect(response.headers['idempotent-replayed']).toBe('true');
            expect(response.body).toEqual(adjustment.body);
            expect(await balanceNow(adjustment.clinicId)).toBe(before);
            reached.adjustmentReplayed++;
          } else if (before + adjustment.amount >= 0) {
            expect(response.status).toBe(201);
            expect(response.body).toMatchObject({ clinicId: adjustment.clinicId, amount: adjustment.amount, balanceAfter: before + adjustment.amount });
            adjustment.body = response.body;
          } else {
            expect(response.status).toBe(422);
            expect(response.body.code).toBe('insufficient_balance');
            expect(await balanceNow(adjustment.clinicId)).toBe(before);
            reached.overdrawRefused++;
          }
          if (s.kind === 'adjust') adjustments.push(adjustment);
          break;
        }
      }
    }
    await deliver(batch);
    return { clinics, leads, payments, disputes, adjustments, sent };
  }

  /** The stream rows of the run's clinics, oldest first per clinic. */
  async function streamOf(clinics: string[]) {
    const { rows } = await ledger.db.query<{
      clinic_id: string; transaction_type: string; amount: number; balance_after: number; stream_version: number;
      lead_id: string | null; payment_id: string | null; dispute_id: string | null; idempotency_key: string | null; tier: string | null; package_price_paise: number | null;
    }>(
      `SELECT clinic_id, transaction_type, amount, balance_after, stream_version, lead_id::text AS lead_id, payment_id, dispute_id::text AS dispute_id,
              idempotency_key, tier, package_price_paise
         FROM credit_transactions WHERE clinic_id = ANY($1::text[]) ORDER BY clinic_id, stream_version`,
      [clinics],
    );
    return rows;
  }

  it('keeps balances non-negative and equal to the stream, business keys once, and rebuild identical to the live read models', async () => {
    await fc.assert(
      fc.asyncProperty(script, async (steps) => {
        const { clinics, leads, payments, disputes, adjustments, sent } = await play(steps);
        const stream = await streamOf(clinics);

        // Every event was handled through the inbox exactly once and none failed into the DLQ.
        const { rows: inbox } = await ledger.db.query<{ event_id: string; outcome: string }>(
          'SELECT event_id::text AS event_id, outcome FROM inbox WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])',
          [GROUP, [...new Set(sent.map((event) => event.eventId))]],
        );
        expect(inbox.filter((row) => row.outcome !== 'applied')).toEqual([]);
        expect(inbox).toHaveLength(new Set(sent.map((event) => event.eventId)).size);
        reached.eventRedelivered += sent.length - inbox.length;

        // Never negative; the read model equals the sum (and count) of each clinic's stream.
        expect(stream.filter((row) => row.balance_after < 0)).toEqual([]);
        const { rows: balances } = await ledger.db.query<{ clinic_id: string; balance: number; version: number }>(
          'SELECT clinic_id, balance, version FROM clinic_balances WHERE clinic_id = ANY($1::text[])',
          [clinics],
        );
        for (const clinicId of clinics) {
          const rows = stream.filter((row) => row.clinic_id === clinicId);
          const model = balances.find((row) => row.clinic_id === clinicId);
          const sum = rows.reduce((total, row) => total + row.amount, 0);
          expect({ clinicId, balance: model?.balance ?? 0, version: model?.version ?? 0 }).toEqual({ clinicId, balance: sum, version: rows.length });
        }

        // A lead: charged at most once, only to its own clinic, at its tier's price; refunds never above the charge.
        const leadClinic = new Map(leads.map((event) => [event.payload.leadId, event]));
        const byLead = new Map<string, typeof stream>();
        for (const row of stream) if (row.lead_id) byLead.set(row.lead_id, [...(byLead.get(row.lead_id) ?? []), row]);
        for (const [leadId, rows] of byLead) {
          const charges = rows.filter((row) => row.transaction_type === 'deduction');
          const refunds = rows.filter((row) => row.transaction_type === 'refund');
          const original = leadClinic.get(leadId);
          expect(charges.length).toBeLessThanOrEqual(1);
          expect(rows.filter((row) => row.transaction_type === 'charge_declined').length).toBeLessThanOrEqual(1);
          if (original) expect(rows.filter((row) => row.clinic_id !== original.clinicId)).toEqual([]);
          if (charges.length === 1 && original) {
            const price = priceLead(original.payload.packagePricePaise);
            expect(charges[0]).toMatchObject({ amount: -price.credits, tier: price.tier, package_price_paise: original.payload.packagePricePaise });
          }
          const refunded = refunds.reduce((total, row) => total + row.amount, 0);
          expect(refunded).toBeLessThanOrEqual(charges.length === 1 ? -charges[0].amount : 0);
          if (charges.length === 1 && rows.some((row) => row.transaction_type === 'charge_declined')) reached.declinedThenCharged++;
          for (const refund of refunds) if (refund.amount < disputes.find((event) => event.payload.disputeId === refund.dispute_id)!.payload.refundAmount) reached.refundCapped++;
        }
        // Every lead its clinic received was charged or declined (waiting in the queue until a top-up).
        const unanswered = leads.filter((event) => !(byLead.get(event.payload.leadId) ?? []).some((row) => row.transaction_type === 'deduction' || row.transaction_type === 'charge_declined'));
        expect(unanswered.map((event) => event.payload.leadId)).toEqual([]);
        // A payment credited exactly once, a dispute refunded at most once, an adjustment key applied at most once.
        const purchases = stream.filter((row) => row.transaction_type === 'purchase');
        expect(purchases.map((row) => row.payment_id).sort()).toEqual(payments.map((event) => event.payload.paymentId).sort());
        const disputeIds = stream.filter((row) => row.transaction_type === 'refund').map((row) => row.dispute_id);
        expect(new Set(disputeIds).size).toBe(disputeIds.length);
        const adjusted = stream.filter((row) => row.transaction_type === 'adjustment').map((row) => row.idempotency_key).sort();
        expect(adjusted).toEqual(adjustments.filter((adjustment) => adjustment.body).map((adjustment) => adjustment.key).sort());

        // Each stream row's integration event went to the outbox in the same transaction, once.
        const { rows: outbox } = await ledger.db.query<{ type: string; n: number }>(
          `SELECT payload->>'type' AS type, count(*)::int AS n FROM outbox WHERE key = ANY($1::text[]) GROUP BY 1`,
          [clinics],
        );
        const emitted = (type: string) => outbox.find((row) => row.type === type)?.n ?? 0;
        const recorded = (type: string) => stream.filter((row) => row.transaction_type === type).length;
        expect({
          CreditsDeducted: emitted('CreditsDeducted'), LeadChargeDeclined: emitted('LeadChargeDeclined'), CreditsPurchased: emitted('CreditsPurchased'),
          CreditsRefunded: emitted('CreditsRefunded'), CreditsAdjusted: emitted('CreditsAdjusted'),
        }).toEqual({
          CreditsDeducted: recorded('deduction'), LeadChargeDeclined: recorded('charge_declined'), CreditsPurchased: recorded('purchase'),
          CreditsRefunded: recorded('refund'), CreditsAdjusted: recorded('adjustment'),
        });

        // verify finds nothing, and a rebuild from the stream gives back the live read models row for row.
        // Both cover the whole database; judging only this run's clinics keeps a failed run's leftovers
        // from failing the runs fast-check tries while shrinking (which would make the counterexample a lie).
        const ours = (row: { clinic_id: string }) => clinics.includes(row.clinic_id);
        const { problems } = await verifyLedger(ledger.db);
        expect(problems.filter((problem) => clinics.some((clinicId) => problem.startsWith(`clinic ${clinicId}:`) || problem.startsWith(`clinic ${clinicId} `)))).toEqual([]);
        const live = await readModels();
        await rebuildReadModels(ledger.db, { defaultThreshold: THRESHOLD });
        const rebuilt = await readModels();
        expect({ balances: rebuilt.balances.filter(ours), pending: rebuilt.pending.filter(ours) }).toEqual({ balances: live.balances.filter(ours), pending: live.pending.filter(ours) });
        reached.pendingAtEnd += live.pending.some(ours) ? 1 : 0;
      }),
      // No shrinking: it replays whole runs against the database for minutes; the first failure is reported as found.
      { numRuns: 30, endOnFailure: true },
    );
    expect(Object.entries(reached).filter(([, times]) => times === 0)).toEqual([]);
  }, 120_000);
});
