import { SqlClient } from '@clinic/platform';
import { BalanceView } from './balance.dto';
import { balanceFieldsOf, ClinicBalanceRow } from '../account/stream-row';

type BalanceRow = Omit<ClinicBalanceRow, 'last_hash'>;

/** The live balance read model; a clinic with no row yet has nothing: zero, at the default threshold. */
export async function currentBalance(db: SqlClient, clinicId: string, defaultThreshold: number): Promise<BalanceView> {
  const { rows } = await db.query<BalanceRow>(
    `SELECT clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance
       FROM clinic_balances WHERE clinic_id = $1`,
    [clinicId],
  );
  const row = rows[0];
  if (!row) {
    return { clinicId, balance: 0, version: 0, lifetimePurchased: 0, lifetimeSpent: 0, lifetimeRefunded: 0, lowBalanceThreshold: defaultThreshold, lowBalance: 0 < defaultThreshold };
  }
  return { clinicId, ...balanceFieldsOf(row) };
}

/** The balance after the last transaction recorded at or before `at` (0 before the first). */
export async function balanceAt(db: SqlClient, clinicId: string, at: Date): Promise<BalanceView> {
  const { rows } = await db.query<{ balance_after: number; stream_version: number }>(
    `SELECT balance_after, stream_version FROM credit_transactions
      WHERE clinic_id = $1 AND created_at <= $2
      ORDER BY created_at DESC, stream_version DESC LIMIT 1`,
    [clinicId, at],
  );
  return { clinicId, balance: rows[0]?.balance_after ?? 0, version: rows[0]?.stream_version ?? 0, at: at.toISOString() };
}
