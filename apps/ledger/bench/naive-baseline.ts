import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { Event, createEvent, eventHeaders, topicOf } from '@clinic/contracts';
import { CreditsDeducted, priceLead, toIntegrationMessage } from '@clinic/ledger-domain';
import { GENESIS_HASH, StreamRow, toStreamRow } from '../src/account/stream-row';

/**
 * THE STRAW MAN — not how the ledger works. The "obvious" design the ledger is measured against:
 * one database transaction per lead, each doing
 *   BEGIN; SELECT balance ... FOR UPDATE; INSERT one hash-chained stream row; UPDATE balance;
 *   INSERT one outbox row; COMMIT.
 * It runs in schema `naive_bench` on copies of the ledger's tables (LIKE ... INCLUDING ALL: same
 * columns, constraints and unique indexes), fed straight from memory — no transport, no inbox
 * row, no logging — so it is, if anything, flattered. Workers: as many as the ledger's Kafka
 * consumer handles partitions concurrently (3), each owning a disjoint set of clinics, as
 * partitions would.
 */
export const NAIVE_SCHEMA = 'naive_bench';

const COLUMNS: Array<keyof StreamRow> = [
  'id', 'clinic_id', 'amount', 'transaction_type', 'description', 'lead_id', 'payment_id', 'order_id', 'amount_paise', 'status',
  'created_at', 'stream_version', 'balance_after', 'dispute_id', 'idempotency_key', 'tier', 'pricing_version', 'package_price_paise',
  'actor_id', 'correlation_id', 'causation_id', 'prev_hash', 'hash',
];
const INSERT_ROW = `INSERT INTO credit_transactions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

export async function prepareNaiveSchema(databaseUrl: string, ledgerSchema: string, clinicIds: string[], creditsEach: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      DROP SCHEMA IF EXISTS ${NAIVE_SCHEMA} CASCADE;
      CREATE SCHEMA ${NAIVE_SCHEMA};
      CREATE TABLE ${NAIVE_SCHEMA}.credit_transactions (LIKE ${ledgerSchema}.credit_transactions INCLUDING ALL);
      CREATE TABLE ${NAIVE_SCHEMA}.clinic_balances (LIKE ${ledgerSchema}.clinic_balances INCLUDING ALL);
      CREATE TABLE ${NAIVE_SCHEMA}.outbox (LIKE ${ledgerSchema}.outbox INCLUDING ALL);`);
    await client.query(
      `INSERT INTO ${NAIVE_SCHEMA}.clinic_balances (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded,
         low_balance_threshold, low_balance, last_hash)
       SELECT clinic_id, $2::bigint, 0, $2::bigint, 0, 0, 500, false, $3 FROM unnest($1::text[]) AS clinic_id`,
      [clinicIds, creditsEach, GENESIS_HASH],
    );
  } finally {
    await client.end();
  }
}

async function chargeOneLead(client: Client, lead: Event<'LeadCreated'>): Promise<void> {
  const { clinicId, leadId, packagePricePaise } = lead.payload;
  const price = priceLead(packagePricePaise);
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ balance: string; version: number; last_hash: string }>(
      'SELECT balance, version, last_hash FROM clinic_balances WHERE clinic_id = $1 FOR UPDATE',
      [clinicId],
    );
    const account = rows[0];
    const balance = Number(account.balance);
    if (balance < price.credits) throw new Error(`naive baseline: clinic ${clinicId} ran out of credit (the bench funds every clinic enough)`);
    const event: CreditsDeducted = {
      type: 'CreditsDeducted',
      clinicId,
      transactionId: randomUUID(),
      streamVersion: account.version + 1,
      amount: -price.credits,
      balanceAfter: balance - price.credits,
      at: new Date().toISOString(),
      leadId,
      tier: price.tier,
      pricingVersion: price.pricingVersion,
      packagePricePaise,
    };
    const row = toStreamRow(event, account.last_hash, { actorId: `service:${lead.producer}`, correlationId: lead.correlationId, causationId: lead.eventId });
    await client.query(INSERT_ROW, COLUMNS.map((column) => row[column]));
    await client.query(
      `UPDATE clinic_balances SET balance = $2, version = $3, lifetime_spent = lifetime_spent + $4, last_hash = $5, updated_at = now()
        WHERE clinic_id = $1`,
      [clinicId, event.balanceAfter, event.streamVersion, price.credits, row.hash],
    );
    const message = toIntegrationMessage(event);
    const outgoing = createEvent(message.type, message.payload as never, {
      producer: 'ledger', clinicId, correlationId: lead.correlationId, causationId: lead.eventId, occurredAt: event.at,
    });
    await client.query('INSERT INTO outbox (event_id, topic, key, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
      outgoing.eventId, topicOf(outgoing.type), clinicId, JSON.stringify(outgoing), JSON.stringify(eventHeaders(outgoing)),
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Charges `leads` the naive way with `workers` connections; returns elapsed ms. */
export async function runNaiveBaseline(databaseUrl: string, leads: Array<Event<'LeadCreated'>>, workers: number): Promise<number> {
  const clients = Array.from({ length: workers }, () => new Client({ connectionString: databaseUrl, application_name: 'ledger-bench-naive', options: `-c search_path=${NAIVE_SCHEMA}` }));
  await Promise.all(clients.map((client) => client.connect()));
  const clinicOwner = new Map<string, number>();
  const queues: Array<Array<Event<'LeadCreated'>>> = clients.map(() => []);
  for (const lead of leads) {
    const clinicId = lead.payload.clinicId;
    if (!clinicOwner.has(clinicId)) clinicOwner.set(clinicId, clinicOwner.size % workers);
    queues[clinicOwner.get(clinicId)!].push(lead);
  }
  try {
    const started = performance.now();
    await Promise.all(clients.map(async (client, worker) => {
      for (const lead of queues[worker]) await chargeOneLead(client, lead);
    }));
    return performance.now() - started;
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** Charge rows the naive run wrote (to check it did all the work it was timed for). */
export async function naiveChargeCount(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${NAIVE_SCHEMA}.credit_transactions`);
    return rows[0].count;
  } finally {
    await client.end();
  }
}
