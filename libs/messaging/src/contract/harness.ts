import { randomUUID } from 'crypto';
import type { PoolClient } from 'pg';
import { AnyEvent, createEvent } from '@clinic/contracts';
import { Database } from '@clinic/platform';
import { createTransport } from '../create-transport';
import { messagingTablesSql } from '../schema';
import { IncomingMessage, OutgoingMessage, Transport, TransportConfig } from '../transport';

/** Shared by the contract suite and its child processes (no Nest, no jest). */
export type TransportKind = 'kafka' | 'embedded';

export interface ChildConfig {
  kind: TransportKind;
  brokers: string[];
  eventLogUrl: string;
  dbUrl: string;
  schema: string;
  topic: string;
  groupId?: string;
  batchSize?: number;
}

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function makeTransport(kind: TransportKind, brokers: string[], eventLogUrl: string, clientId: string, extra: Partial<TransportConfig> = {}): Transport {
  return createTransport({
    clientId,
    kafkaBrokers: kind === 'kafka' ? brokers : [],
    eventLogDatabaseUrl: eventLogUrl,
    partitions: 6,
    logger: quietLogger,
    kafkaConsumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 },
    ...extra,
  });
}

/** A service schema with the messaging tables and an `effects` table with no unique key, so a double effect shows as two rows. */
export async function openSchema(url: string, schema: string): Promise<Database> {
  const db = new Database({ url, schema, poolSize: 5 });
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await db.query(messagingTablesSql());
  await db.query(`CREATE TABLE IF NOT EXISTS effects (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL, clinic_id text NOT NULL, seq int NOT NULL, handled_by text NOT NULL)`);
  return db;
}

/** A valid event; `seq` travels in the payload so the consumer can record order. */
export function leadEvent(clinicId: string, seq: number, packageId = `pkg-${seq}`): AnyEvent {
  return createEvent(
    'LeadCreated',
    { leadId: randomUUID(), clinicId, packageId, packagePricePaise: seq, source: 'marketplace', createdAt: new Date().toISOString() },
    { producer: 'contract-test', clinicId },
  ) as AnyEvent;
}

export const POISON = 'poison';

/** The test handler: one effect row per applied event; a poison event always throws. */
export async function recordEffect(tx: PoolClient, event: AnyEvent, handledBy: string): Promise<void> {
  if (event.type !== 'LeadCreated') throw new Error(`unexpected ${event.type}`);
  if (event.payload.packageId === POISON) throw new Error(`poison pill: lead ${event.payload.leadId} cannot be applied`);
  await tx.query('INSERT INTO effects (event_id, clinic_id, seq, handled_by) VALUES ($1, $2, $3, $4)', [
    event.eventId,
    event.clinicId,
    event.payload.packagePricePaise,
    handledBy,
  ]);
}

export function asMessage(topic: string, event: AnyEvent): OutgoingMessage {
  return { topic, key: event.clinicId, value: JSON.stringify(event), headers: { eventId: event.eventId, type: event.type } };
}

/** Wraps a transport: `onDelivered` sees every message handed to a batch handler, `afterBatch` runs after the handler resolved. */
export function tapTransport(
  inner: Transport,
  hooks: { onDelivered?: (batch: IncomingMessage[]) => void; afterBatch?: (batch: IncomingMessage[]) => Promise<void>; beforePublish?: (messages: OutgoingMessage[]) => Promise<OutgoingMessage[]> },
): Transport {
  return {
    kind: inner.kind,
    ensureTopics: (topics) => inner.ensureTopics(topics),
    publish: async (messages) => inner.publish(hooks.beforePublish ? await hooks.beforePublish(messages) : messages),
    subscribe: (options) =>
      inner.subscribe({
        ...options,
        handleBatch: async (batch, control) => {
          hooks.onDelivered?.(batch);
          await options.handleBatch(batch, control);
          await hooks.afterBatch?.(batch);
        },
      }),
    isHealthy: () => inner.isHealthy(),
    close: () => inner.close(),
  };
}

export function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function readChildConfig(): ChildConfig {
  const raw = process.env.CHILD_CONFIG;
  if (!raw) throw new Error('CHILD_CONFIG is not set');
  return JSON.parse(raw) as ChildConfig;
}

export const forever = (): Promise<never> => new Promise<never>(() => setInterval(() => undefined, 60_000));

/**
 * Waits until every unpublished outbox row is below the snapshot xmin, i.e. ready for the relay.
 * Any open write transaction in the cluster (other test files share the server) holds rows back.
 */
export async function outboxReady(db: Database, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ waiting: number }>(
      'SELECT count(*)::int AS waiting FROM outbox WHERE published_at IS NULL AND txid >= pg_snapshot_xmin(pg_current_snapshot())',
    );
    if (rows[0].waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox rows still held back by older transactions after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
