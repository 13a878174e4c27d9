import { createHash } from 'crypto';
import { RecordedEvent, priceLead } from '@clinic/ledger-domain';

/** One `credit_transactions` row, as written and as read back (times as ISO strings). */
export interface StreamRow {
  id: string;
  clinic_id: string;
  amount: number;
  transaction_type: TransactionType;
  description: string;
  lead_id: string | null;
  payment_id: string | null;
  order_id: string | null;
  amount_paise: number | null;
  status: string;
  created_at: string;
  stream_version: number;
  balance_after: number;
  dispute_id: string | null;
  idempotency_key: string | null;
  tier: string | null;
  pricing_version: number | null;
  package_price_paise: number | null;
  actor_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  prev_hash: string;
  hash: string;
}

export type TransactionType = 'deduction' | 'purchase' | 'refund' | 'adjustment' | 'charge_declined' | 'pending_expired';

/** prev_hash of a clinic's first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns a row's hash covers, in a fixed order (everything but `position` and the hash itself). */
const HASHED: Array<keyof StreamRow> = [
  'prev_hash', 'id', 'clinic_id', 'stream_version', 'transaction_type', 'amount', 'balance_after', 'created_at', 'description',
  'lead_id', 'payment_id', 'order_id', 'amount_paise', 'dispute_id', 'idempotency_key', 'tier', 'pricing_version', 'package_price_paise',
  'status', 'actor_id', 'correlation_id', 'causation_id',
];

/** SHA-256 over the row's content and the previous row's hash: editing any row breaks every hash after it. */
export function hashRow(row: Omit<StreamRow, 'hash'>): string {
  return createHash('sha256').update(JSON.stringify(HASHED.map((column) => row[column as keyof typeof row] ?? null))).digest('hex');
}

export interface Provenance {
  actorId: string | null;
  correlationId: string | null;
  causationId: string | null;
}

const TYPE_OF: Record<RecordedEvent['type'], TransactionType> = {
  CreditsDeducted: 'deduction',
  LeadChargeDeclined: 'charge_declined',
  PendingLeadExpired: 'pending_expired',
  CreditsPurchased: 'purchase',
  CreditsRefunded: 'refund',
  CreditsAdjusted: 'adjustment',
};

function describe(event: RecordedEvent): string {
  switch (event.type) {
    case 'CreditsDeducted':
      return `Lead ${event.leadId} charged at tier ${event.tier} (pricing v${event.pricingVersion})`;
    case 'LeadChargeDeclined':
      return `Lead ${event.leadId} declined: needs ${event.requiredCredits} credits, balance ${event.balanceAfter}`;
    case 'PendingLeadExpired':
      return `Pending lead ${event.leadId} expired uncharged`;
    case 'CreditsPurchased':
      return `Purchase of ${event.amount} credits (payment ${event.paymentId})`;
    case 'CreditsRefunded':
      return `Refund for dispute ${event.disputeId} on lead ${event.leadId}`;
    case 'CreditsAdjusted':
      return event.reason;
  }
}

/** The stream row that records `event`, chained to `prevHash`. */
export function toStreamRow(event: RecordedEvent, prevHash: string, provenance: Provenance): StreamRow {
  const row: Omit<StreamRow, 'hash'> = {
    id: event.transactionId,
    clinic_id: event.clinicId,
    amount: event.amount,
    transaction_type: TYPE_OF[event.type],
    description: describe(event),
    lead_id: 'leadId' in event ? event.leadId : null,
    payment_id: event.type === 'CreditsPurchased' ? event.paymentId : null,
    order_id: event.type === 'CreditsPurchased' ? event.orderId : null,
    amount_paise: event.type === 'CreditsPurchased' ? event.amountPaise : null,
    status: 'completed',
    created_at: event.at,
    stream_version: event.streamVersion,
    balance_after: event.balanceAfter,
    dispute_id: event.type === 'CreditsRefunded' ? event.disputeId : null,
    idempotency_key: event.type === 'CreditsAdjusted' ? event.idempotencyKey : null,
    tier: event.type === 'CreditsDeducted' || event.type === 'LeadChargeDeclined' ? event.tier : null,
    pricing_version: event.type === 'CreditsDeducted' || event.type === 'LeadChargeDeclined' ? event.pricingVersion : null,
    package_price_paise: event.type === 'CreditsDeducted' || event.type === 'LeadChargeDeclined' ? event.packagePricePaise : null,
    actor_id: event.type === 'CreditsAdjusted' ? event.actorId : provenance.actorId,
    correlation_id: provenance.correlationId,
    causation_id: provenance.causationId,
    prev_hash: prevHash,
  };
  return { ...row, hash: hashRow(row) };
}

/** The domain event a stored row records (for folds in rebuild and verify). */
export function toLedgerEvent(row: StreamRow): RecordedEvent {
  const base = {
    clinicId: row.clinic_id,
    transactionId: row.id,
    streamVersion: row.stream_version,
    amount: row.amount,
    balanceAfter: row.balance_after,
    at: row.created_at,
  };
  const priced = () => ({
    leadId: row.lead_id ?? '',
    tier: (row.tier ?? 'T1') as 'T1',
    pricingVersion: row.pricing_version ?? 1,
    packagePricePaise: row.package_price_paise ?? 0,
  });
  switch (row.transaction_type) {
    case 'deduction':
      return { ...base, type: 'CreditsDeducted', ...priced() };
    case 'charge_declined': {
      const lead = priced();
      // The stream keeps the package price and pricing version; the cost follows from them.
      return { ...base, type: 'LeadChargeDeclined', ...lead, requiredCredits: priceLead(lead.packagePricePaise, lead.pricingVersion).credits };
    }
    case 'pending_expired':
      // waitingSince is not stored on the expiry row; it is the decline row's time.
      return { ...base, type: 'PendingLeadExpired', leadId: row.lead_id ?? '', waitingSince: row.created_at };
    case 'purchase':
      return { ...base, type: 'CreditsPurchased', paymentId: row.payment_id ?? '', orderId: row.order_id ?? '', amountPaise: row.amount_paise ?? 0 };
    case 'refund':
      return { ...base, type: 'CreditsRefunded', leadId: row.lead_id ?? '', disputeId: row.dispute_id ?? '' };
    case 'adjustment':
      return { ...base, type: 'CreditsAdjusted', reason: row.description, idempotencyKey: row.idempotency_key ?? '', actorId: row.actor_id ?? '' };
  }
}

/** Column list for reading rows back with times as ISO strings (matching what was hashed). */
export const STREAM_COLUMNS = `id, clinic_id, amount, transaction_type, description, lead_id, payment_id, order_id, amount_paise, status,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, stream_version, balance_after, dispute_id,
  idempotency_key, tier, pricing_version, package_price_paise, actor_id, correlation_id, causation_id, prev_hash, hash`;

/** The INSERT of stream rows given as a jsonb array in parameter `param` (e.g. `$1`), for use alone or in a CTE. */
export const STREAM_INSERT_SQL = (param: string): string =>
  `INSERT INTO credit_transactions (id, clinic_id, amount, transaction_type, description, lead_id, payment_id, order_id, amount_paise, status,
       created_at, stream_version, balance_after, dispute_id, idempotency_key, tier, pricing_version, package_price_paise, actor_id,
       correlation_id, causation_id, prev_hash, hash)
     SELECT id, clinic_id, amount, transaction_type, description, lead_id, payment_id, order_id, amount_paise, status,
       created_at, stream_version, balance_after, dispute_id, idempotency_key, tier, pricing_version, package_price_paise, actor_id,
       correlation_id, causation_id, prev_hash, hash
       FROM jsonb_to_recordset(${param}::jsonb) AS r(id uuid, clinic_id text, amount bigint, transaction_type text, description text, lead_id uuid,
         payment_id text, order_id text, amount_paise bigint, status text, created_at timestamptz, stream_version integer, balance_after bigint,
         dispute_id uuid, idempotency_key text, tier text, pricing_version integer, package_price_paise bigint, actor_id text,
         correlation_id text, causation_id text, prev_hash text, hash text)`;

/** Inserts rows in one statement. */
export async function insertStreamRows(tx: { query(text: string, params?: unknown[]): Promise<unknown> }, rows: StreamRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(STREAM_INSERT_SQL('$1'), [JSON.stringify(rows)]);
}

/** A row of the `clinic_balances` read model, as Postgres returns it. */
export interface ClinicBalanceRow {
  clinic_id: string;
  balance: number;
  version: number;
  lifetime_purchased: number;
  lifetime_spent: number;
  lifetime_refunded: number;
  low_balance_threshold: number;
  low_balance: boolean;
  last_hash: string;
}

/** The read model's columns as the domain's (and the API's) camelCase balance fields. */
export function balanceFieldsOf(row: Omit<ClinicBalanceRow, 'last_hash'>) {
  return {
    balance: row.balance,
    version: row.version,
    lifetimePurchased: row.lifetime_purchased,
    lifetimeSpent: row.lifetime_spent,
    lifetimeRefunded: row.lifetime_refunded,
    lowBalanceThreshold: row.low_balance_threshold,
    lowBalance: row.low_balance,
  };
}
