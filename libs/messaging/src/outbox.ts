import { AnyEvent, Event, eventHeaders, topicOf } from '@clinic/contracts';
import type { Database, SqlClient } from '@clinic/platform';
import { MessagingLogger, MessagingMetrics, Wakeup, errorText, stderrLogger } from './logger';
import { PgListener } from './pg-listener';
import { outboxChannel } from './schema';
import { OutgoingMessage, Transport } from './transport';

export interface AppendOptions {
  /** Route to this topic instead of the event type's own (replays, tests). */
  topic?: string;
}

/** The outbox rows of `events` as one JSON parameter for `outboxInsertSql`. */
export function outboxRowsParam(events: AnyEvent[] | Event[], options: AppendOptions = {}): string {
  return JSON.stringify(
    (events as AnyEvent[]).map((event) => ({
      event_id: event.eventId,
      topic: options.topic ?? topicOf(event.type),
      key: event.clinicId,
      payload: event,
      headers: { ...eventHeaders(event), 'content-type': 'application/json' },
    })),
  );
}

/**
 * The INSERT that `appendToOutbox` runs, reading its rows from the jsonb parameter `param`
 * (e.g. `$5`, filled with `outboxRowsParam(events)`): for a caller that folds the outbox write
 * into a statement of its own (a data-modifying CTE) to save a round trip.
 */
export function outboxInsertSql(param: string): string {
  return `INSERT INTO outbox (event_id, topic, key, payload, headers)
     SELECT event_id, topic, key, payload, headers
       FROM jsonb_to_recordset(${param}::jsonb) AS r(event_id uuid, topic text, key text, payload jsonb, headers jsonb)
     ON CONFLICT (event_id) DO NOTHING`;
}

/**
 * Writes events to the outbox. Call it with the transaction that makes the state change, so
 * both commit or neither does. Re-appending an eventId already there is a no-op.
 */
export async function appendToOutbox(tx: SqlClient, events: AnyEvent[] | Event[], options: AppendOptions = {}): Promise<void> {
  if (events.length === 0) return;
  await tx.query(outboxInsertSql('$1'), [outboxRowsParam(events, options)]);
}

export interface OutboxRelayOptions {
  db: Database;
  transport: Transport;
  /** Rows per publish (default 200). */
  batchSize?: number;
  logger?: MessagingLogger;
  metrics?: MessagingMetrics;
  /** Fallback poll when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted (default 24 h). */
  retentionMs?: number;
}

interface OutboxRow {
  position: number;
  topic: string;
  key: string;
  /** The payload as JSON text: published as is, never parsed and re-serialised in Node. */
  value: string;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows in commit order and marks them published.
 *
 * Safe ordering: only rows whose transaction id is below the current snapshot's xmin are read
 * (every transaction that could still add an older row has finished), ordered by position.
 * Unpublished rows are selected by `published_at IS NULL`, never by a high-water mark, so a
 * late-committing transaction is never skipped. Each batch runs under a transaction-scoped
 * advisory lock on the schema, so at most one relay publishes at a time (others stand by).
 * A relay killed after publishing and before marking republishes the batch: consumers dedupe.
 */
export class OutboxRelay {
  private readonly db: Database;
  private readonly transport: Transport;
  private readonly batchSize: number;
  private readonly logger: MessagingLogger;
  private readonly metrics: MessagingMetrics;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly wakeup = new Wakeup();
  private readonly knownTopics = new Set<string>();
  private listener: PgListener | null = null;
  private loop: Promise<void> | null = null;
  private running = false;
  private lastCleanup = 0;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.transport = options.transport;
    this.batchSize = options.batchSize ?? 200;
    this.logger = options.logger ?? stderrLogger;
    this.metrics = options.metrics ?? {};
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
  }

  /** Starts the background loop (LISTEN/NOTIFY wake-ups plus a fallback poll). Idempotent. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.listener = new PgListener({ ...this.db.pool.options }, outboxChannel(this.db.schema), () => this.wakeup.wake(), this.logger);
    await this.listener.start();
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) is published and marked. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeup.wake();
    await this.loop;
    this.loop = null;
    await this.listener?.close();
    this.listener = null;
  }

  /** Committed rows not yet published: the outbox backlog gauge. */
  async backlog(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>('SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL');
    return rows[0].count;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const { published, heldBack } = await this.relayBatch();
        failures = 0;
        if (published >= this.batchSize) continue;
        await this.cleanupIfDue();
        this.metrics.backlog?.(await this.backlog());
        // Committed rows held back only by an older, still-running transaction: look again soon.
        await this.wakeup.wait(published > 0 ? 0 : heldBack ? 20 : this.pollIntervalMs);
      } catch (error) {
        failures++;
        const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        this.logger.warn({ err: errorText(error), retryInMs: delay }, 'outbox relay failed to publish; retrying');
        await this.wakeup.wait(delay);
      }
    }
  }

  /**
   * Publishes one batch of committed, unpublished rows and marks them published.
   * Returns how many were published (0 when none are ready or another relay holds the lock).
   * Note: a row becomes ready once every transaction older than it has ended, cluster-wide.
   */
  async relayOnce(): Promise<number> {
    return (await this.relayBatch()).published;
  }

  private relayBatch(): Promise<{ published: number; heldBack: boolean }> {
    return this.db.transaction(async (tx) => {
      const { rows: lock } = await tx.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('clinic.outbox-relay'), hashtext(current_schema())) AS locked`,
      );
      if (!lock[0].locked) return { published: 0, heldBack: false };
      // Named statements: planned once per connection, not on every wake-up.
      const { rows } = await tx.query<OutboxRow>({
        name: 'messaging.outbox-ready',
        text: `SELECT position, topic, key, payload::text AS value, headers
           FROM outbox
          WHERE published_at IS NULL
            AND txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY position
          LIMIT $1`,
        values: [this.batchSize],
      });
      if (rows.length === 0) {
        const { rows: waiting } = await tx.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL) AS waiting');
        return { published: 0, heldBack: waiting[0].waiting };
      }
      const topics = [...new Set(rows.map((row) => row.topic))];
      const unknown = topics.filter((topic) => !this.knownTopics.has(topic));
      if (unknown.length > 0) {
        await this.transport.ensureTopics(unknown);
        unknown.forEach((topic) => this.knownTopics.add(topic));
      }
      const messages: OutgoingMessage[] = rows.map((row) => ({
        topic: row.topic,
        key: row.key,
        value: row.value,
        headers: row.headers,
      }));
      await this.transport.publish(messages);
      await tx.query({
        name: 'messaging.outbox-published',
        text: 'UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])',
        values: [rows.map((row) => row.position)],
      });
      for (const topic of topics) this.metrics.published?.(topic, rows.filter((row) => row.topic === topic).length);
      return { published: rows.length, heldBack: false };
    });
  }

  private async cleanupIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    await this.db.query(`DELETE FROM outbox WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [this.retentionMs]);
  }
}
