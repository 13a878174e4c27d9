import { PRICING_TABLES } from '@clinic/ledger-domain';
import { Database } from '@clinic/platform';
import { GENESIS_HASH } from '../account/stream-row';

export interface RebuildResult {
  clinics: number;
  transactions: number;
  pendingLeads: number;
  ms: number;
}

export interface ProgressSink {
  start(total: number): void;
  increment(by: number): void;
  stop(): void;
}

/**
 * Recomputes the balance and pending-lead read models from the stream into fresh tables and
 * swaps them in, all in one transaction. Writers are held off for its duration (EXCLUSIVE lock on
 * the balance table, which every writer takes first); readers keep reading the old tables until
 * the swap commits. Thresholds are settings, not derived data: they are carried over.
 *
 * The fold is set-based SQL over clinic ranges (100k+ rows/s; reading every row into Node would
 * cost more than the rest together): balance = sum of amounts, version = last version, lifetime
 * figures by type, low = balance < threshold (what evolveSummary yields after every write), last
 * hash; pending = declines not followed by a charge or an expiry, priced by the domain's
 * versioned tables. `verify` re-derives the same figures with the domain fold, row by row.
 */
export async function rebuildReadModels(db: Database, options: { defaultThreshold: number; progress?: ProgressSink; clinicsPerChunk?: number }): Promise<RebuildResult> {
  const started = Date.now();
  const pricing = Object.entries(PRICING_TABLES).flatMap(([version, tiers]) => tiers.map((tier) => ({ version: Number(version), tier: tier.tier, credits: tier.credits })));
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE clinic_balances, pending_leads IN EXCLUSIVE MODE');
    await tx.query('DROP TABLE IF EXISTS clinic_balances_rebuild, pending_leads_rebuild');
    await tx.query('CREATE TABLE clinic_balances_rebuild (LIKE clinic_balances INCLUDING ALL)');
    await tx.query('CREATE TABLE pending_leads_rebuild (LIKE pending_leads INCLUDING ALL)');
    await tx.query('CREATE TEMP TABLE rebuild_settings ON COMMIT DROP AS SELECT clinic_id, low_balance_threshold FROM clinic_balances');
    await tx.query('CREATE TEMP TABLE rebuild_pricing ON COMMIT DROP AS SELECT * FROM jsonb_to_recordset($1::jsonb) AS p(version integer, tier text, credits bigint)', [JSON.stringify(pricing)]);

    const { rows: clinics } = await tx.query<{ clinic_id: string }>('SELECT DISTINCT clinic_id FROM credit_transactions ORDER BY clinic_id');
    const chunk = options.clinicsPerChunk ?? 200;
    options.progress?.start(clinics.length);
    const { rows: counted } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM credit_transactions');
    const transactions = counted[0].n;
    let pendingLeads = 0;
    for (let i = 0; i < clinics.length; i += chunk) {
      const from = clinics[i].clinic_id;
      const to = clinics[Math.min(i + chunk, clinics.length) - 1].clinic_id;
      const folded = await tx.query(
        `INSERT INTO clinic_balances_rebuild (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
         SELECT f.clinic_id, f.balance, f.version, f.purchased, f.spent, f.refunded, f.threshold, f.balance < f.threshold, f.last_hash
           FROM (SELECT t.clinic_id,
                        sum(t.amount) AS balance,
                        max(t.stream_version) AS version,
                        coalesce(sum(t.amount) FILTER (WHERE t.transaction_type = 'purchase'), 0) AS purchased,
                        coalesce(-sum(t.amount) FILTER (WHERE t.transaction_type = 'deduction'), 0) AS spent,
                        coalesce(sum(t.amount) FILTER (WHERE t.transaction_type = 'refund'), 0) AS refunded,
                        coalesce(min(s.low_balance_threshold), $3::bigint) AS threshold,
                        (array_agg(t.hash ORDER BY t.stream_version DESC))[1] AS last_hash
                   FROM credit_transactions t LEFT JOIN rebuild_settings s ON s.clinic_id = t.clinic_id
                  WHERE t.clinic_id BETWEEN $1 AND $2
                  GROUP BY t.clinic_id) f
`,
        [from, to, options.defaultThreshold],
      );
      const pending = await tx.query(
        `INSERT INTO pending_leads_rebuild (lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since, stream_version)
         SELECT d.lead_id, d.clinic_id, p.credits, d.tier, d.pricing_version, d.package_price_paise, d.created_at, d.stream_version
           FROM credit_transactions d
           JOIN rebuild_pricing p ON p.version = d.pricing_version AND p.tier = d.tier
          WHERE d.transaction_type = 'charge_declined' AND d.clinic_id BETWEEN $1 AND $2
            AND NOT EXISTS (SELECT 1 FROM credit_transactions settled
                             WHERE settled.lead_id = d.lead_id AND settled.clinic_id = d.clinic_id
                               AND settled.transaction_type IN ('deduction', 'pending_expired'))`,
        [from, to],
      );
      pendingLeads += pending.rowCount ?? 0;
      options.progress?.increment(folded.rowCount ?? 0);
    }
    // Clinics that only have settings (a threshold set before any transaction).
    const settingsOnly = await tx.query(
      `INSERT INTO clinic_balances_rebuild (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
       SELECT s.clinic_id, 0, 0, 0, 0, 0, s.low_balance_threshold, 0 < s.low_balance_threshold, $1
         FROM rebuild_settings s WHERE NOT EXISTS (SELECT 1 FROM clinic_balances_rebuild b WHERE b.clinic_id = s.clinic_id)`,
      [GENESIS_HASH],
    );

    for (const table of ['clinic_balances', 'pending_leads']) {
      await tx.query(`ALTER TABLE ${table} RENAME TO ${table}_old`);
      await tx.query(`ALTER TABLE ${table}_rebuild RENAME TO ${table}`);
      await tx.query(`DROP TABLE ${table}_old`);
      // LIKE named the copies' indexes after the _rebuild table; give them the live table's names back.
      const { rows: indexes } = await tx.query<{ name: string }>(
        `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND indexname LIKE $2`,
        [table, `${table}_rebuild%`],
      );
      for (const { name } of indexes) await tx.query(`ALTER INDEX "${name}" RENAME TO "${name.replace(`${table}_rebuild`, table)}"`);
    }
    options.progress?.stop();
    return { clinics: clinics.length + (settingsOnly.rowCount ?? 0), transactions, pendingLeads, ms: Date.now() - started };
  });
}
