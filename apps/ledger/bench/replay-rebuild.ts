import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import type { Database } from '@clinic/platform';
import { BalanceSummary, LeadChargeDeclined, PendingLead, emptySummary, evolveSummary, pendingLeadOf } from '@clinic/ledger-domain';
import { STREAM_COLUMNS, StreamRow, toLedgerEvent } from '../src/account/stream-row';

/**
 * A Node-side rebuild, and the stand-in while the ledger's ops CLI (apps/ledger/src/ops/) does not exist:
 * reads the whole stream in (clinic, version) order in pages, folds it with the ledger's own
 * row → event mapping (`toLedgerEvent`) and balance fold (`evolveSummary`, the fold the domain
 * provides for rebuilds), keeps the pending queue (declined in, charged or expired out), and
 * writes both read models into fresh tables — then compares them with the live ones.
 */
export interface RebuildResult {
  rows: number;
  clinics: number;
  elapsedMs: number;
  /** Rows that differ between the rebuilt and the live read models (both directions). */
  balanceMismatches: number;
  pendingMismatches: number;
}

const PAGE = 20_000;
const WRITE_CHUNK = 5_000;

export async function replayRebuild(databaseUrl: string, schema: string): Promise<RebuildResult> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'ledger-bench-rebuild', options: `-c search_path=${schema},public` });
  client.setTypeParser(20, (value: string) => Number(value));
  await client.connect();
  try {
    const started = performance.now();
    // Thresholds are configuration set over the API, not stream events: carried over from the live model.
    const { rows: thresholds } = await client.query<{ clinic_id: string; low_balance_threshold: number }>('SELECT clinic_id, low_balance_threshold FROM clinic_balances');
    const thresholdOf = new Map(thresholds.map((row) => [row.clinic_id, row.low_balance_threshold]));
    const balances = new Map<string, BalanceSummary & { lastHash: string }>();
    const pending = new Map<string, PendingLead & { clinicId: string; streamVersion: number }>();
    let rowCount = 0;
    let after: [string, number] = ['', 0];
    for (;;) {
      const { rows } = await client.query<StreamRow>(
        `SELECT ${STREAM_COLUMNS} FROM credit_transactions WHERE (clinic_id, stream_version) > ($1, $2) ORDER BY clinic_id, stream_version LIMIT ${PAGE}`,
        after,
      );
      for (const row of rows) {
        const event = toLedgerEvent(row);
        const current = balances.get(row.clinic_id) ?? { ...emptySummary(row.clinic_id, thresholdOf.get(row.clinic_id)), lastHash: '' };
        balances.set(row.clinic_id, { ...evolveSummary(current, event), lastHash: row.hash });
        if (event.type === 'LeadChargeDeclined') {
          pending.set(event.leadId, { ...pendingLeadOf(event as LeadChargeDeclined), clinicId: row.clinic_id, streamVersion: row.stream_version });
        } else if (event.type === 'CreditsDeducted' || event.type === 'PendingLeadExpired') {
          pending.delete(event.leadId);
        }
      }
      rowCount += rows.length;
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      after = [last.clinic_id, last.stream_version];
    }

    await client.query('BEGIN');
    await client.query(`DROP TABLE IF EXISTS clinic_balances_rebuilt, pending_leads_rebuilt;
      CREATE TABLE clinic_balances_rebuilt (LIKE clinic_balances INCLUDING ALL);
      CREATE TABLE pending_leads_rebuilt (LIKE pending_leads INCLUDING ALL);`);
    const balanceRows = [...balances.values()].map((summary) => ({
      clinic_id: summary.clinicId,
      balance: summary.balance,
      version: summary.version,
      lifetime_purchased: summary.lifetimePurchased,
      lifetime_spent: summary.lifetimeSpent,
      lifetime_refunded: summary.lifetimeRefunded,
      low_balance_threshold: summary.lowBalanceThreshold,
      low_balance: summary.lowBalance,
      last_hash: summary.lastHash,
    }));
    for (let i = 0; i < balanceRows.length; i += WRITE_CHUNK) {
      await client.query(
        `INSERT INTO clinic_balances_rebuilt (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(clinic_id text, balance bigint, version integer, lifetime_purchased bigint, lifetime_spent bigint,
           lifetime_refunded bigint, low_balance_threshold bigint, low_balance boolean, last_hash text)`,
        [JSON.stringify(balanceRows.slice(i, i + WRITE_CHUNK))],
      );
    }
    const pendingRows = [...pending.values()].map((lead) => ({
      lead_id: lead.leadId, clinic_id: lead.clinicId, credits: lead.credits, tier: lead.tier, pricing_version: lead.pricingVersion,
      package_price_paise: lead.packagePricePaise, waiting_since: lead.waitingSince, stream_version: lead.streamVersion,
    }));
    for (let i = 0; i < pendingRows.length; i += WRITE_CHUNK) {
      await client.query(
        `INSERT INTO pending_leads_rebuilt (lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since, stream_version)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(lead_id uuid, clinic_id text, credits bigint, tier text, pricing_version integer,
           package_price_paise bigint, waiting_since timestamptz, stream_version integer)`,
        [JSON.stringify(pendingRows.slice(i, i + WRITE_CHUNK))],
      );
    }
    await client.query('COMMIT');
    const elapsedMs = performance.now() - started;

    const balanceColumns = 'clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash';
    const pendingColumns = 'lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since, stream_version';
    const differences = async (live: string, rebuilt: string, columns: string) => {
      const { rows } = await client.query<{ count: number }>(
        `SELECT ((SELECT count(*) FROM (SELECT ${columns} FROM ${live} EXCEPT SELECT ${columns} FROM ${rebuilt}) a)
               + (SELECT count(*) FROM (SELECT ${columns} FROM ${rebuilt} EXCEPT SELECT ${columns} FROM ${live}) b))::int AS count`,
      );
      return rows[0].count;
    };
    const result: RebuildResult = {
      rows: rowCount,
      clinics: balances.size,
      elapsedMs,
      balanceMismatches: await differences('clinic_balances', 'clinic_balances_rebuilt', balanceColumns),
      pendingMismatches: await differences('pending_leads', 'pending_leads_rebuilt', pendingColumns),
    };
    await client.query('DROP TABLE IF EXISTS clinic_balances_rebuilt, pending_leads_rebuilt');
    return result;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface OpsRebuildResult {
  transactions: number;
  elapsedMs: number;
  /** Rows of the balance / pending read models that differ from what they were before the rebuild. */
  balanceMismatches: number;
  pendingMismatches: number;
}

type OpsRebuild = (db: Database, options: { defaultThreshold: number }) => Promise<{ transactions: number; ms: number }>;

/**
 * The ledger's own `rebuild` (apps/ledger/src/ops/rebuild.ts, `rebuildReadModels`) when that file
 * exists — loaded at run time so the bench still runs (with the replay above) while the ops CLI is
 * absent or being changed. Returns null when it is not there.
 */
export async function opsRebuild(db: Database, defaultThreshold: number): Promise<OpsRebuildResult | null> {
  const file = path.join(__dirname, '..', 'src', 'ops', 'rebuild.ts');
  if (!fs.existsSync(file)) return null;
  const rebuild = (require(file) as { rebuildReadModels?: OpsRebuild }).rebuildReadModels;
  if (typeof rebuild !== 'function') return null;
  const balanceColumns = 'clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash';
  const pendingColumns = 'lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since, stream_version';
  await db.query(`DROP TABLE IF EXISTS bench_balances_before, bench_pending_before;
    CREATE TABLE bench_balances_before AS SELECT ${balanceColumns} FROM clinic_balances;
    CREATE TABLE bench_pending_before AS SELECT ${pendingColumns} FROM pending_leads;`);
  const started = performance.now();
  const result = await rebuild(db, { defaultThreshold });
  const elapsedMs = performance.now() - started;
  const differences = async (before: string, after: string, columns: string) => {
    const { rows } = await db.query<{ count: number }>(
      `SELECT ((SELECT count(*) FROM (SELECT ${columns} FROM ${before} EXCEPT SELECT ${columns} FROM ${after}) a)
             + (SELECT count(*) FROM (SELECT ${columns} FROM ${after} EXCEPT SELECT ${columns} FROM ${before}) b))::int AS count`,
    );
    return rows[0].count;
  };
  const outcome = {
    transactions: result.transactions,
    elapsedMs,
    balanceMismatches: await differences('bench_balances_before', 'clinic_balances', balanceColumns),
    pendingMismatches: await differences('bench_pending_before', 'pending_leads', pendingColumns),
  };
  await db.query('DROP TABLE IF EXISTS bench_balances_before, bench_pending_before');
  return outcome;
}
