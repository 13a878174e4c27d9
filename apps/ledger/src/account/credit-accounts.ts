import { randomUUID } from 'crypto';
import { PoolClient, QueryResultRow } from 'pg';
import { Inject, Injectable } from '@nestjs/common';
import { AnyEvent, createEvent } from '@clinic/contracts';
import {
  AccountSession, AccountState, CommandRejected, KnownLead, LedgerCommand, LedgerEvent, PendingLead, isRecorded, pendingLeadOf,
  toIntegrationMessage,
} from '@clinic/ledger-domain';
import { outboxInsertSql, outboxRowsParam } from '@clinic/messaging';
import { AppLogger } from '@clinic/observability';
import { LOGGER, SERVICE_CONFIG, SqlClient } from '@clinic/platform';
import { LedgerConfig } from '../config';
import { GENESIS_HASH, Provenance, STREAM_INSERT_SQL, StreamRow, toStreamRow, ClinicBalanceRow, balanceFieldsOf } from './stream-row';

/** The clock the ledger stamps events with; tests inject their own. */
export const LEDGER_CLOCK = Symbol('LEDGER_CLOCK');
export type Clock = () => Date;

/** A command for one clinic's account, with where it came from. */
export interface AccountCommand {
  clinicId: string;
  command: LedgerCommand;
  provenance: Provenance;
}

export interface CommandOutcome {
  events: LedgerEvent[];
  rejected?: CommandRejected;
}

type BalanceRow = ClinicBalanceRow;

interface KeyRow {
  clinic_id: string;
  transaction_type: string;
  lead_id: string | null;
  payment_id: string | null;
  dispute_id: string | null;
  idempotency_key: string | null;
  amount: number;
}

interface PendingRow {
  lead_id: string;
  clinic_id: string;
  credits: number;
  tier: string;
  pricing_version: number;
  package_price_paise: number;
  waiting_since: Date;
}

const PRODUCER = 'ledger';

/**
 * The write side of the ledger: applies commands to clinics' accounts inside the caller's
 * transaction, in a constant number of statements however many commands there are.
 *
 * 1. lock the clinics' balance rows (in clinic order, so concurrent writers cannot deadlock);
 * 2. load what the commands refer to (known leads, payments, disputes, keys; the pending queue
 *    of clinics that get credit) — unique indexes back these checks up;
 * 3. decide/evolve in memory, in command order;
 * 4. append the stream rows (hash-chained), update balances and the pending queue, and put the
 *    integration events in the outbox.
 */
@Injectable()
export class CreditAccounts {
  /**
   * The per-transaction lines (one per charge, purchase, refund): their fields are ids and
   * amounts only, never a secret or a phone number, so they skip the redaction pass that costs
   * more than the line itself at thousands of charges per second.
   */
  private readonly moneyLog: AppLogger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) logger: AppLogger,
    @Inject(LEDGER_CLOCK) private readonly clock: Clock,
  ) {
    this.moneyLog = logger.child({}, { redact: [] });
  }

  async execute(tx: SqlClient, commands: AccountCommand[]): Promise<CommandOutcome[]> {
    if (commands.length === 0) return [];
    const clinicIds = [...new Set(commands.map((item) => item.clinicId))].sort();
    const states = await this.load(tx, clinicIds, commands);
    const lastHash = new Map<string, string>();
    for (const [clinicId, loaded] of states) lastHash.set(clinicId, loaded.lastHash);

    const now = this.clock().toISOString();
    const context = { now, newId: () => randomUUID() };
    const outcomes: CommandOutcome[] = [];
    const rows: StreamRow[] = [];
    const outbox: AnyEvent[] = [];
    const declined: Array<{ row: StreamRow; lead: PendingLead }> = [];
    const leftQueue: string[] = [];
    // One working copy per clinic for the whole batch: decisions evolve it in place.
    const sessions = new Map([...states].map(([clinicId, loaded]) => [clinicId, new AccountSession(loaded.state, context)]));
    // Leads recorded in this batch, by clinic: a lead settled at one clinic counts as settled
    // (expired) for any other, as knownLeads() does for what is already in the stream.
    const leadClinic = new Map<string, string>();
    for (const item of commands) {
      const session = sessions.get(item.clinicId)!;
      const { command } = item;
      if (command.type === 'ChargeLead' || command.type === 'RefundLead') {
        const owner = leadClinic.get(command.leadId);
        if (owner !== undefined && owner !== item.clinicId) session.assumeLead(command.leadId, { status: 'expired' });
      }
      let events: LedgerEvent[];
      try {
        events = session.run(command);
      } catch (error) {
        if (!(error instanceof CommandRejected)) throw error;
        outcomes.push({ events: [], rejected: error });
        continue;
      }
      outcomes.push({ events });
      for (const event of events) {
        outbox.push(this.integrationEvent(event, item));
        if (!isRecorded(event)) continue;
        if ('leadId' in event && !leadClinic.has(event.leadId)) leadClinic.set(event.leadId, item.clinicId);
        const row = toStreamRow(event, lastHash.get(item.clinicId)!, item.provenance);
        lastHash.set(item.clinicId, row.hash);
        rows.push(row);
        if (event.type === 'LeadChargeDeclined') declined.push({ row, lead: pendingLeadOf(event) });
        if (event.type === 'CreditsDeducted' || event.type === 'PendingLeadExpired') leftQueue.push(event.leadId);
      }
    }
    if (rows.length === 0 && outbox.length === 0) return outcomes;
    for (const [clinicId, session] of sessions) states.get(clinicId)!.state = session.state;

    const changed = [...states.values()].filter((loaded) => loaded.state.version !== loaded.loadedVersion || loaded.state.lowBalance !== loaded.loadedLow);
    await this.save(tx, rows, changed, lastHash, declined, leftQueue, outbox);
    commands.forEach((item, index) => {
      for (const event of outcomes[index].events) this.logEvent(event, item.provenance.correlationId);
    });
    return outcomes;
  }

  private integrationEvent(event: LedgerEvent, item: AccountCommand): AnyEvent {
    const message = toIntegrationMessage(event);
    return createEvent(message.type, message.payload as never, {
      producer: PRODUCER,
      clinicId: item.clinicId,
      correlationId: item.provenance.correlationId ?? undefined,
      causationId: item.provenance.causationId,
      occurredAt: 'at' in event ? event.at : undefined,
    }) as AnyEvent;
  }

  private async load(tx: SqlClient, clinicIds: string[], commands: AccountCommand[]) {
    // One statement creates missing rows and locks every row (in clinic order, so two batches
    // touching the same clinics queue up instead of deadlocking). ON CONFLICT DO UPDATE (a no-op
    // update) locks and returns the latest committed version of an existing row.
    const { rows: balances } = await prepared<BalanceRow>(
      tx, 'ledger.lock-balances',
      `INSERT INTO clinic_balances AS b (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
       SELECT clinic_id, 0, 0, 0, 0, 0, $2::bigint, 0 < $2::bigint, $3 FROM unnest($1::text[]) AS clinic_id ORDER BY clinic_id
       ON CONFLICT (clinic_id) DO UPDATE SET balance = b.balance
       RETURNING clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash`,
      [clinicIds, this.config.lowBalanceThreshold, GENESIS_HASH],
    );

    const leadIds = new Set<string>();
    const paymentIds = new Set<string>();
    const disputeIds = new Set<string>();
    const keys = new Set<string>();
    const queueClinics = new Set<string>();
    for (const { clinicId, command } of commands) {
      if (command.type === 'ChargeLead' || command.type === 'RefundLead') leadIds.add(command.leadId);
      if (command.type === 'PurchaseCredits') paymentIds.add(command.paymentId);
      if (command.type === 'RefundLead') disputeIds.add(command.disputeId);
      if (command.type === 'AdjustBalance') keys.add(command.idempotencyKey);
      if (command.type === 'PurchaseCredits' || command.type === 'ExpirePendingLeads') queueClinics.add(clinicId);
    }
    const { rows: known } = leadIds.size + paymentIds.size + disputeIds.size + keys.size === 0
      ? { rows: [] as KeyRow[] }
      : await prepared<KeyRow>(
        tx, 'ledger.known-keys',
        `SELECT clinic_id, transaction_type, lead_id::text AS lead_id, payment_id, dispute_id::text AS dispute_id, idempotency_key, amount
           FROM credit_transactions
          WHERE lead_id = ANY($1::uuid[])
             OR (transaction_type = 'purchase' AND payment_id = ANY($2::text[]))
             OR (transaction_type = 'refund' AND dispute_id = ANY($3::uuid[]))
             OR (transaction_type = 'adjustment' AND idempotency_key = ANY($4::text[]))`,
        [[...leadIds], [...paymentIds], [...disputeIds], [...keys]],
      );
    const { rows: queue } = queueClinics.size === 0
      ? { rows: [] as PendingRow[] }
      : await prepared<PendingRow>(
        tx, 'ledger.pending-queue',
        `SELECT lead_id::text AS lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since
           FROM pending_leads WHERE clinic_id = ANY($1::text[]) ORDER BY clinic_id, waiting_since, stream_version`,
        [[...queueClinics]],
      );

    // Group once: a batch can touch thousands of clinics, each with a long queue.
    const queues = groupBy(queue, (lead) => lead.clinic_id);
    const keysByType = (type: string, key: (row: KeyRow) => string | null) =>
      Object.fromEntries(known.filter((row) => row.transaction_type === type).map((row) => [key(row), true as const]));
    // Payment, dispute and key uniqueness is global: a key seen anywhere is already used.
    const payments = keysByType('purchase', (row) => row.payment_id);
    const disputes = keysByType('refund', (row) => row.dispute_id);
    const adjustments = keysByType('adjustment', (row) => row.idempotency_key);
    const leadsByClinic = knownLeads(known, commands);

    const states = new Map<string, { state: AccountState; lastHash: string; loadedVersion: number; loadedLow: boolean }>();
    for (const row of balances) {
      states.set(row.clinic_id, {
        state: {
          clinicId: row.clinic_id,
          ...balanceFieldsOf(row),
          leads: leadsByClinic.get(row.clinic_id) ?? {},
          pending: (queues.get(row.clinic_id) ?? []).map((lead) => ({
            leadId: lead.lead_id,
            credits: lead.credits,
            tier: lead.tier as PendingLead['tier'],
            pricingVersion: lead.pricing_version,
            packagePricePaise: lead.package_price_paise,
            waitingSince: lead.waiting_since.toISOString(),
          })),
          payments,
          disputes,
          adjustments,
        },
        lastHash: row.last_hash,
        loadedVersion: row.version,
        loadedLow: row.low_balance,
      });
    }
    return states;
  }

  /**
   * Writes a batch's effects in ONE statement (data-modifying CTEs, one round trip): the stream
   * rows, the changed balance rows, the pending queue and the outbox.
   */
  private async save(
    tx: SqlClient, rows: StreamRow[], changed: Array<{ state: AccountState }>, lastHash: Map<string, string>,
    declined: Array<{ row: StreamRow; lead: PendingLead }>, leftQueue: string[], outbox: AnyEvent[],
  ): Promise<void> {
    const balances = await this.saveBalances(tx, changed, lastHash);
    const { queued, dequeued } = await this.savePending(tx, declined, leftQueue);
    await prepared(
      tx, 'ledger.save-batch',
      `WITH stream AS (${STREAM_INSERT_SQL('$1')}),
       balances AS (
         UPDATE clinic_balances AS b
            SET balance = r.balance, version = r.version, lifetime_purchased = r.lifetime_purchased, lifetime_spent = r.lifetime_spent,
                lifetime_refunded = r.lifetime_refunded, low_balance = r.low_balance, last_hash = r.last_hash, updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS r(clinic_id text, balance bigint, version integer, lifetime_purchased bigint,
                lifetime_spent bigint, lifetime_refunded bigint, low_balance boolean, last_hash text)
          WHERE b.clinic_id = r.clinic_id),
       queued AS (
         INSERT INTO pending_leads (lead_id, clinic_id, credits, tier, pricing_version, package_price_paise, waiting_since, stream_version)
         SELECT * FROM jsonb_to_recordset($3::jsonb) AS r(lead_id uuid, clinic_id text, credits bigint, tier text, pricing_version integer,
           package_price_paise bigint, waiting_since timestamptz, stream_version integer)),
       dequeued AS (DELETE FROM pending_leads WHERE lead_id = ANY($4::uuid[])),
       outbox AS (${outboxInsertSql('$5')})
       SELECT 1`,
      [JSON.stringify(rows), balances, queued, dequeued, outboxRowsParam(outbox)],
    );
  }

  /** The balance part of `save`: the changed rows as its jsonb parameter. */
  private async saveBalances(_tx: SqlClient, changed: Array<{ state: AccountState }>, lastHash: Map<string, string>): Promise<string> {
    return JSON.stringify(changed.map(({ state }) => ({
      clinic_id: state.clinicId,
      balance: state.balance,
      version: state.version,
      lifetime_purchased: state.lifetimePurchased,
      lifetime_spent: state.lifetimeSpent,
      lifetime_refunded: state.lifetimeRefunded,
      low_balance: state.lowBalance,
      last_hash: lastHash.get(state.clinicId),
    })));
  }

  /**
   * The pending-queue part of `save`: leads that join (declined) and leave (charged or expired).
   * The CTEs of one statement share a snapshot (a DELETE cannot see a sibling's INSERT), so a lead
   * that joined and left within the batch is netted out here.
   */
  private async savePending(
    _tx: SqlClient, declined: Array<{ row: StreamRow; lead: PendingLead }>, leftQueue: string[],
  ): Promise<{ queued: string; dequeued: string[] }> {
    const left = new Set(leftQueue);
    const joined = new Set(declined.map(({ lead }) => lead.leadId));
    const queued = declined.filter(({ lead }) => !left.has(lead.leadId)).map(({ row, lead }) => ({
      lead_id: lead.leadId,
      clinic_id: row.clinic_id,
      credits: lead.credits,
      tier: lead.tier,
      pricing_version: lead.pricingVersion,
      package_price_paise: lead.packagePricePaise,
      waiting_since: lead.waitingSince,
      stream_version: row.stream_version,
    }));
    return { queued: JSON.stringify(queued), dequeued: leftQueue.filter((leadId) => !joined.has(leadId)) };
  }

  private logEvent(event: LedgerEvent, correlationId: string | null): void {
    if (event.type !== 'CreditsDeducted' && event.type !== 'CreditsPurchased' && event.type !== 'CreditsRefunded') return;
    const credits = Math.abs(event.amount);
    const label = event.type === 'CreditsDeducted' ? 'deduction' : event.type === 'CreditsPurchased' ? 'purchase' : 'refund';
    const fields = {
      event: event.type,
      clinicId: event.clinicId,
      amount: credits,
      balanceAfter: event.balanceAfter,
      transactionId: event.transactionId,
      streamVersion: event.streamVersion,
      ...('leadId' in event ? { leadId: event.leadId } : {}),
      ...(correlationId ? { correlationId } : {}),
    };
    this.moneyLog.info(fields, `Credit ${label}: Clinic ${event.clinicId}, Amount ${credits}`);
  }
}

/**
 * Runs a statement as a named prepared statement: Postgres plans it once per connection instead of
 * for every batch (planning these against the stream's indexes took ~2 ms each, more than running
 * them). Postgres re-plans by itself after DDL, e.g. a rebuild swapping the read-model tables.
 */
function prepared<R extends QueryResultRow = QueryResultRow>(tx: SqlClient, name: string, text: string, values: unknown[]): Promise<{ rows: R[] }> {
  return (tx as unknown as Pick<PoolClient, 'query'>).query<R>({ name, text, values });
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/**
 * What the stream says about the leads each clinic's commands mention. A lead recorded for
 * another clinic counts as settled there (lead ids are globally unique, so such a command is bogus).
 */
function knownLeads(rows: KeyRow[], commands: AccountCommand[]): Map<string, Record<string, KnownLead>> {
  const askers = new Map<string, Set<string>>();
  for (const { clinicId, command } of commands) {
    if (command.type !== 'ChargeLead' && command.type !== 'RefundLead') continue;
    if (!askers.has(command.leadId)) askers.set(command.leadId, new Set());
    askers.get(command.leadId)!.add(clinicId);
  }
  const byClinic = new Map<string, Record<string, KnownLead>>();
  const rank = { charged: 3, expired: 2, pending: 1 } as const;
  for (const row of rows) {
    if (!row.lead_id) continue;
    for (const clinicId of askers.get(row.lead_id) ?? []) {
      if (!byClinic.has(clinicId)) byClinic.set(clinicId, {});
      const leads = byClinic.get(clinicId)!;
      const current = leads[row.lead_id];
      if (row.clinic_id !== clinicId) {
        leads[row.lead_id] = current ?? { status: 'expired' };
      } else if (row.transaction_type === 'deduction') {
        leads[row.lead_id] = { status: 'charged', credits: -row.amount, refunded: current?.status === 'charged' ? current.refunded : 0 };
      } else if (row.transaction_type === 'refund') {
        const charged = current?.status === 'charged' ? current : { status: 'charged' as const, credits: 0, refunded: 0 };
        leads[row.lead_id] = { ...charged, refunded: charged.refunded + row.amount };
      } else {
        const status = row.transaction_type === 'pending_expired' ? 'expired' : 'pending';
        if (!current || rank[current.status] < rank[status]) leads[row.lead_id] = { status };
      }
    }
  }
  return byClinic;
}
