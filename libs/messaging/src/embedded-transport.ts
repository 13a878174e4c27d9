import { Client, Pool } from 'pg';
import { MessagingLogger, Wakeup, errorText, sleep, stderrLogger } from './logger';
import { canQuery, inTransaction } from '@clinic/platform';
import { PgListener } from './pg-listener';
import { IncomingMessage, OutgoingMessage, SubscribeOptions, Subscription, Transport, TransportConfig, withDlqTopics } from './transport';

const SCHEMA = 'event_log';
const CHANNEL = 'event_log';
/** Advisory-lock namespaces (first key of the two-int form). */
const LOCK_SETUP = 718_001;
const LOCK_APPEND = 718_002;
const LOCK_GROUP = 718_003;

const SETUP_SQL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.messages (
  position   bigserial PRIMARY KEY,
  topic      text NOT NULL,
  key        text,
  value      text NOT NULL,
  headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
  txid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS messages_topic_position_idx ON ${SCHEMA}.messages (topic, position);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.topics (
  topic      text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.consumer_offsets (
  group_id   text NOT NULL,
  topic      text NOT NULL,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic)
);
CREATE OR REPLACE FUNCTION ${SCHEMA}.notify_message() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${CHANNEL}', NEW.topic);
  RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS notify_message ON ${SCHEMA}.messages;
CREATE TRIGGER notify_message AFTER INSERT ON ${SCHEMA}.messages FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.notify_message();
`;

interface MessageRow {
  position: string;
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * The single-machine transport: a Postgres-backed log in schema `event_log`.
 *
 * Appends are serialised by an advisory lock, so positions grow in commit order; readers also
 * only see rows whose transaction is below the snapshot xmin. A group reads
 * `position > committed offset` for its topics in position order, wakes up on NOTIFY (with a
 * fallback poll) and commits offsets in a separate statement after the batch handler returns:
 * the same at-least-once contract as Kafka. One active consumer per group (session advisory
 * lock on a dedicated connection, released if the process dies); the others stand by.
 */
export class EmbeddedTransport implements Transport {
  readonly kind = 'embedded' as const;
  readonly pool: Pool;
  private readonly url: string;
  private readonly logger: MessagingLogger;
  private ready: Promise<void> | null = null;
  private readonly subscriptions = new Set<EmbeddedSubscription>();
  private closed = false;
  private lastCleanup = Date.now();
  /** Messages older than this are deleted, like Kafka's retention (7 days). */
  private readonly retentionMs = 7 * 24 * 3600_000;

  constructor(config: TransportConfig & { eventLogDatabaseUrl: string }) {
    this.url = config.eventLogDatabaseUrl;
    this.logger = config.logger ?? stderrLogger;
    this.pool = new Pool({ connectionString: this.url, max: 5, application_name: `${config.clientId}-event-log` });
    this.pool.on('error', () => undefined);
  }

  /** Creates the log's schema once per process (concurrent creators serialised by a lock). */
  setup(): Promise<void> {
    if (!this.ready) {
      this.ready = inTransaction(this.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SETUP]);
        await client.query(SETUP_SQL);
      });
      this.ready.catch(() => (this.ready = null));
    }
    return this.ready;
  }

  async ensureTopics(topics: string[]): Promise<void> {
    await this.setup();
    await this.pool.query(`INSERT INTO ${SCHEMA}.topics (topic) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [withDlqTopics(topics)]);
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.setup();
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_APPEND]);
      await client.query(
        `INSERT INTO ${SCHEMA}.messages (topic, key, value, headers)
         SELECT topic, key, value, headers FROM jsonb_to_recordset($1::jsonb) AS m(topic text, key text, value text, headers jsonb)`,
        [JSON.stringify(messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value, headers: m.headers })))],
      );
    });
    if (Date.now() - this.lastCleanup > 600_000) {
      this.lastCleanup = Date.now();
      await this.pool
        .query(`DELETE FROM ${SCHEMA}.messages WHERE created_at < now() - ($1::bigint * interval '1 millisecond')`, [this.retentionMs])
        .catch((error) => this.logger.warn({ err: errorText(error) }, 'event-log retention cleanup failed'));
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('transport is closed');
    await this.setup();
    const subscription = new EmbeddedSubscription(this.pool, this.url, options, this.logger);
    this.subscriptions.add(subscription);
    await subscription.start();
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async isHealthy(): Promise<boolean> {
    return !this.closed && canQuery(this.pool);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    await this.pool.end().catch(() => undefined);
  }
}

class EmbeddedSubscription {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly wakeup = new Wakeup();
  private listener: PgListener | null = null;
  private lockClient: Client | null = null;
  private lockLost = false;
  private readonly offsets = new Map<string, string>();
  private readonly batchSize = 100;
  private readonly pollIntervalMs = 1000;

  constructor(
    private readonly pool: Pool,
    private readonly url: string,
    private readonly options: SubscribeOptions,
    private readonly logger: MessagingLogger,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const topics = new Set(this.options.topics);
    this.listener = new PgListener({ connectionString: this.url }, CHANNEL, (topic) => {
      if (topic === undefined || topics.has(topic)) this.wakeup.wake();
    }, this.logger);
    await this.listener.start();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeup.wake();
    await this.loop;
    await this.listener?.close();
    await this.releaseLock();
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = null;
    if (client) await client.end().catch(() => undefined);
  }

  /** Takes the group's session lock on a dedicated connection; false if another consumer holds it. */
  private async tryLock(): Promise<boolean> {
    const client = new Client({ connectionString: this.url, application_name: `event-log-group:${this.options.groupId}`.slice(0, 63) });
    client.on('error', () => {
      if (this.lockClient === client) this.lockLost = true;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [LOCK_GROUP, this.options.groupId]);
      if (!rows[0].locked) {
        await client.end().catch(() => undefined);
        return false;
      }
      this.lockClient = client;
      this.lockLost = false;
      return true;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private async loadOffsets(): Promise<void> {
    const { rows } = await this.pool.query<{ topic: string; position: string }>(
      `SELECT topic, position::text FROM ${SCHEMA}.consumer_offsets WHERE group_id = $1 AND topic = ANY($2::text[])`,
      [this.options.groupId, this.options.topics],
    );
    this.offsets.clear();
    for (const topic of this.options.topics) this.offsets.set(topic, '0');
    for (const row of rows) this.offsets.set(row.topic, row.position);
  }

  private async fetch(): Promise<{ rows: MessageRow[]; heldBack: boolean }> {
    const topics = [...this.offsets.keys()];
    const after = topics.map((topic) => this.offsets.get(topic) ?? '0');
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT m.position::text, m.topic, m.key, m.value, m.headers
         FROM unnest($1::text[], $2::bigint[]) AS o(topic, after)
         CROSS JOIN LATERAL (
           SELECT position, topic, key, value, headers
             FROM ${SCHEMA}.messages
            WHERE topic = o.topic AND position > o.after
              AND txid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY position
            LIMIT $3
         ) m
        ORDER BY m.position
        LIMIT $3`,
      [topics, after, this.batchSize],
    );
    if (rows.length > 0) return { rows, heldBack: false };
    // Nothing visible: are rows waiting only for an older transaction to finish? Then look again soon.
    const { rows: waiting } = await this.pool.query<{ waiting: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM unnest($1::text[], $2::bigint[]) AS o(topic, after)
          WHERE EXISTS (SELECT 1 FROM ${SCHEMA}.messages m WHERE m.topic = o.topic AND m.position > o.after)
       ) AS waiting`,
      [topics, after],
    );
    return { rows, heldBack: waiting[0].waiting };
  }

  private async commit(rows: MessageRow[]): Promise<void> {
    const last = new Map<string, string>();
    for (const row of rows) last.set(row.topic, row.position);
    if (this.lockLost || !this.lockClient) throw new Error(`lost the consumer lock of group ${this.options.groupId}`);
    await this.pool.query(
      `INSERT INTO ${SCHEMA}.consumer_offsets (group_id, topic, position)
       SELECT $1, topic, position FROM unnest($2::text[], $3::bigint[]) AS o(topic, position)
       ON CONFLICT (group_id, topic) DO UPDATE
         SET position = GREATEST(${SCHEMA}.consumer_offsets.position, EXCLUDED.position), updated_at = now()`,
      [this.options.groupId, [...last.keys()], [...last.values()]],
    );
    for (const [topic, position] of last) this.offsets.set(topic, position);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.lockClient || this.lockLost) {
          await this.releaseLock();
          if (!(await this.tryLock())) {
            await this.wakeup.wait(this.pollIntervalMs);
            continue;
          }
          await this.loadOffsets();
        }
        const { rows, heldBack } = await this.fetch();
        if (rows.length === 0) {
          failures = 0;
          await this.wakeup.wait(heldBack ? 20 : this.pollIntervalMs);
          continue;
        }
        const batch: IncomingMessage[] = rows.map((row) => ({
          topic: row.topic,
          partition: 0,
          offset: row.position,
          key: row.key,
          value: row.value,
          headers: row.headers ?? {},
        }));
        await this.options.handleBatch(batch, { heartbeat: async () => undefined });
        await this.commit(rows);
        failures = 0;
      } catch (error) {
        failures++;
        const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        this.logger.warn({ err: errorText(error), groupId: this.options.groupId, retryInMs: delay }, 'event-log consumer batch failed; redelivering');
        // Reload committed offsets so the failed batch is read again from the last commit.
        await this.loadOffsets().catch(() => undefined);
        for (let waited = 0; waited < delay && this.running; waited += 50) await sleep(50);
      }
    }
  }
}
