import { randomUUID } from 'crypto';
import { AccountState, CommandRejected, LedgerCommand, decide, evolve, initialAccount, isRecorded } from '@clinic/ledger-domain';
import { AccountCommand } from '../account/credit-accounts';
import { GENESIS_HASH, StreamRow, insertStreamRows, toStreamRow } from '../account/stream-row';
import { LedgerHarness, startLedger } from '../test/ledger-harness';
import { rebuildReadModels } from './rebuild';
import { verifyLedger } from './verify';

const CLINICS = 2_000;
const TARGET = 100_000;
const WEEK = 7 * 24 * 3600_000;
const provenance = { actorId: 'test', correlationId: null, causationId: null };

/** A deterministic mix for one clinic and round: top-ups, leads of every tier (some declined), refunds, adjustments. */
function commandsFor(c: number, round: number): LedgerCommand[] {
  const commands: LedgerCommand[] = [];
  if (round % 10 === 0) commands.push({ type: 'PurchaseCredits', paymentId: `pay_${round}_${c}`, orderId: `order_${round}_${c}`, credits: 1000 + (c % 7) * 100, amountPaise: 100_000, pendingWindowMs: WEEK });
  const leadId = randomUUID();
  commands.push({ type: 'ChargeLead', leadId, packagePricePaise: ((round * 7919 + c * 104_729) % 120_000) * 100 });
  if (round % 13 === 5) commands.push({ type: 'RefundLead', disputeId: randomUUID(), leadId, refundAmount: 50 });
  if (round % 17 === 3) commands.push({ type: 'AdjustBalance', idempotencyKey: `adj_${round}_${c}`, amount: c % 2 ? 25 : -1, reason: 'test', actorId: 'admin:test' });
  return commands;
}
const clinicId = (c: number) => `clinic-${String(c).padStart(4, '0')}`;

describe('rebuild (real Postgres)', () => {
  let ledger: LedgerHarness;
  beforeAll(async () => {
    ledger = await startLedger({}, { consume: false });
  });
  afterAll(async () => {
    await ledger?.close();
  });

  const snapshot = async () => ({
    balances: (await ledger.db.query('SELECT clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash FROM clinic_balances ORDER BY clinic_id')).rows,
    pending: (await ledger.db.query('SELECT * FROM pending_leads ORDER BY lead_id')).rows,
  });

  /**
   * Seeds most of the history fast: the domain decides, the stream rows are hashed and inserted by
   * the same helpers the service uses, and the read models get the decided state.
   */
  async function seedHistory(rounds: number): Promise<number> {
    const now = new Date(Date.now() - 3600_000).toISOString();
    const context = { now, newId: () => randomUUID() };
    const rows: StreamRow[] = [];
    const states: Array<{ state: AccountState; hash: string }> = [];
    for (let c = 0; c < CLINICS; c++) {
      let state = initialAccount(clinicId(c), 500);
      let hash = GENESIS_HASH;
      for (let round = 0; round < rounds; round++) {
        for (const command of commandsFor(c, round)) {
          let events: ReturnType<typeof decide>;
          try {
            events = decide(command, state, context);
          } catch (error) {
            if (error instanceof CommandRejected) continue; // as the service would answer it: nothing written
            throw error;
          }
          for (const event of events) {
            state = evolve(state, event);
            if (!isRecorded(event)) continue;
            const row = toStreamRow(event, hash, provenance);
            hash = row.hash;
            rows.push(row);
          }
        }
      }
      states.push({ state, hash });
    }
    await ledger.db.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += 10_000) await insertStreamRows(tx, rows.slice(i, i + 10_000));
      await tx.query(
        `INSERT INTO clinic_balances (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(clinic_id text, balance bigint, version integer, lifetime_purchased bigint, lifetime_spent bigint,
           lifetime_refunded bigint, low_balance_threshold bigint, low_balance boolean, last_hash text)`,
        [JSON.stringify(states.map(({ state, hash }) => ({
          clinic_id: state.clinicId, balance: state.balance, version: state.version, lifetime_purchased: state.lifetimePurchased, lifetime_spent: state.lifetimeSpent,
          lifetime_refunded: state.lifetimeRefunded, low_balance_threshold: state.lowBalanceThreshold, low_balance: state.lowBalance, last_hash: hash,
        })))],
      );
      const versions = new Map(rows.filter((row) => row.transaction_type === 'charge_declined').map((row) => [row.lead_id, row.stream_version]));
      await tx.query(
        `INSERT INTO pending_leads (lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since, stream_version)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(lead_id uuid, clinic_id text, credits bigint, tier text, pricing_version integer,
           package_price_paise bigint, waiting_since timestamptz, stream_version integer)`,
        [JSON.stringify(states.flatMap(({ state }) => state.pending.map((lead) => ({
          lead_id: lead.leadId, clinic_id: state.clinicId, credits: lead.credits, tier: lead.tier, pricing_version: lead.pricingVersion,
          package_price_paise: lead.packagePricePaise, waiting_since: lead.waitingSince, stream_version: versions.get(lead.leadId),
        }))))],
      );
    });
    return rows.length;
  }

  it('recomputes read models identical to the live ones over 100,000+ transactions', async () => {
    const seeded = await seedHistory(40); // ~1.5 rows per command: 2,000 clinics x 40 rounds > 100,000 rows
    // Then the live path writes on top of every clinic (a top-up drains queues, leads are charged or declined) ...
    const live: AccountCommand[] = [];
    for (let c = 0; c < CLINICS; c++) {
      live.push({ clinicId: clinicId(c), provenance, command: { type: 'PurchaseCredits', paymentId: `pay_live_${c}`, orderId: 'o', credits: 150 + c, amountPaise: 100, pendingWindowMs: WEEK } });
      live.push({ clinicId: clinicId(c), provenance, command: { type: 'ChargeLead', leadId: randomUUID(), packagePricePaise: c * 25_000 } });
    }
    await ledger.db.transaction((tx) => ledger.batch['accounts'].execute(tx, live));
    // ... and a clinic that only has a threshold setting.
    await ledger.db.query(`INSERT INTO clinic_balances (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
      VALUES ('clinic-settings-only', 0, 0, 0, 0, 0, 50, true, repeat('0', 64))`);
    const before = await snapshot();
    expect(before.pending.length).toBeGreaterThan(0);

    const result = await rebuildReadModels(ledger.db, { defaultThreshold: 500, clinicsPerChunk: 50 });
    expect(result.transactions).toBeGreaterThanOrEqual(Math.max(TARGET, seeded));
    const after = await snapshot();
    expect(after.balances).toEqual(before.balances);
    expect(after.pending).toEqual(before.pending);
    // The swapped-in tables are the live ones now: verify and the write path keep working on them.
    expect((await verifyLedger(ledger.db)).problems).toEqual([]);
    await ledger.db.transaction((tx) => ledger.batch['accounts'].execute(tx, [{ clinicId: clinicId(0), provenance, command: { type: 'ChargeLead', leadId: randomUUID(), packagePricePaise: 0 } }]));
    const { rows } = await ledger.db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'ledger' AND tablename IN ('clinic_balances', 'pending_leads') ORDER BY 1`);
    expect(rows.map((row) => row.indexname)).toEqual(expect.arrayContaining(['clinic_balances_pkey', 'pending_leads_pkey']));
    process.stdout.write(`rebuild: ${result.transactions} transactions, ${result.clinics} clinics in ${result.ms} ms\n`);
  }, 120_000); // ~25 s alone on the shared 2-core box; headroom for when other suites run beside it
});
