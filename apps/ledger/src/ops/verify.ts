import { Database } from '@clinic/platform';
import { GENESIS_HASH, StreamRow, hashRow, ClinicBalanceRow } from '../account/stream-row';
import { ClinicProjection, applyRow, lowBalanceOf, startProjection } from './projection';
import { ProgressSink } from './rebuild';
import { countStream, readStream } from './stream-reader';

export interface VerifyReport {
  ok: boolean;
  clinics: number;
  transactions: number;
  problems: string[];
}

type BalanceRow = ClinicBalanceRow;

/**
 * Checks, for every clinic: versions gap-free from 1; each balance_after = previous + amount;
 * nothing negative; each prev_hash = the previous row's hash and each hash recomputes from the
 * row; the balance read model and the pending queue equal the fold of the stream.
 * Reads in one repeatable-read snapshot, so live writers cannot make it report false breaks.
 */
export async function verifyLedger(db: Database, options: { progress?: ProgressSink } = {}): Promise<VerifyReport> {
  return db.transaction(async (tx) => {
    const problems: string[] = [];
    const { rows: balanceRows } = await tx.query<BalanceRow>('SELECT * FROM clinic_balances');
    const balances = new Map(balanceRows.map((row) => [row.clinic_id, row]));
    const { rows: pendingRows } = await tx.query<{ clinic_id: string; lead_id: string; credits: number }>('SELECT clinic_id, lead_id::text AS lead_id, credits FROM pending_leads');
    const pendingByClinic = new Map<string, Map<string, number>>();
    for (const row of pendingRows) {
      if (!pendingByClinic.has(row.clinic_id)) pendingByClinic.set(row.clinic_id, new Map());
      pendingByClinic.get(row.clinic_id)!.set(row.lead_id, row.credits);
    }

    options.progress?.start(await countStream(tx));
    const seen = new Set<string>();
    let transactions = 0;
    let current = null as { projection: ClinicProjection; previous: StreamRow | null } | null;
    const finish = (done: { projection: ClinicProjection } | null) => {
      if (done) compareReadModels(done.projection, balances.get(done.projection.summary.clinicId), pendingByClinic.get(done.projection.summary.clinicId), problems);
    };
    for await (const page of readStream(tx)) {
      for (const row of page) {
        if (current?.projection.summary.clinicId !== row.clinic_id) {
          finish(current);
          seen.add(row.clinic_id);
          const threshold: number = balances.get(row.clinic_id)?.low_balance_threshold ?? 0;
          current = { projection: startProjection(row.clinic_id, threshold), previous: null };
        }
        checkRow(row, current.previous, problems);
        applyRow(current.projection, row);
        current.previous = row;
      }
      transactions += page.length;
      options.progress?.increment(page.length);
    }
    finish(current);
    for (const row of balanceRows) {
      if (!seen.has(row.clinic_id) && (row.version !== 0 || row.balance !== 0)) {
        problems.push(`clinic ${row.clinic_id}: read model has balance ${row.balance} at version ${row.version} but the stream has no transactions`);
      }
    }
    for (const [clinicId, leads] of pendingByClinic) if (!seen.has(clinicId)) problems.push(`clinic ${clinicId}: ${leads.size} pending lead(s) with no stream behind them`);
    options.progress?.stop();
    return { ok: problems.length === 0, clinics: seen.size, transactions, problems };
  }, 'repeatable read');
}

function checkRow(row: StreamRow, previous: StreamRow | null, problems: string[]): void {
  const where = `clinic ${row.clinic_id} v${row.stream_version} (${row.id})`;
  const expectedVersion = (previous?.stream_version ?? 0) + 1;
  if (row.stream_version !== expectedVersion) problems.push(`${where}: version gap, expected v${expectedVersion}`);
  const expectedBalance = (previous?.balance_after ?? 0) + row.amount;
  if (row.balance_after !== expectedBalance) problems.push(`${where}: balance_after ${row.balance_after} does not follow from the previous ${previous?.balance_after ?? 0} + amount ${row.amount} = ${expectedBalance}`);
  if (row.balance_after < 0) problems.push(`${where}: negative balance ${row.balance_after}`);
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  if (row.prev_hash !== expectedPrev) problems.push(`${where}: hash chain broken, prev_hash is not the previous row's hash`);
  const { hash: _stored, ...content } = row;
  if (hashRow(content) !== row.hash) problems.push(`${where}: hash mismatch, the row was changed after it was written`);
}

function compareReadModels(projection: ClinicProjection, stored: BalanceRow | undefined, pending: Map<string, number> | undefined, problems: string[]): void {
  const { summary } = projection;
  const where = `clinic ${summary.clinicId}`;
  if (!stored) {
    problems.push(`${where}: no balance read model row (stream balance ${summary.balance})`);
    return;
  }
  const expected: Record<string, unknown> = {
    balance: summary.balance,
    version: summary.version,
    lifetime_purchased: summary.lifetimePurchased,
    lifetime_spent: summary.lifetimeSpent,
    lifetime_refunded: summary.lifetimeRefunded,
    low_balance: lowBalanceOf(summary),
    last_hash: projection.lastHash,
  };
  for (const [column, value] of Object.entries(expected)) {
    const actual = stored[column as keyof BalanceRow];
    if (actual !== value) problems.push(`${where}: read model ${column} is ${actual}, the stream says ${value}`);
  }
  const actualPending = pending ?? new Map<string, number>();
  for (const [leadId, lead] of projection.pending) {
    if (actualPending.get(leadId) !== lead.credits) problems.push(`${where}: lead ${leadId} should be waiting for ${lead.credits} credits, the pending queue has ${actualPending.get(leadId) ?? 'nothing'}`);
  }
  for (const leadId of actualPending.keys()) if (!projection.pending.has(leadId)) problems.push(`${where}: lead ${leadId} is in the pending queue but the stream settled it`);
}
