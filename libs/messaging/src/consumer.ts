import { PoolClient } from 'pg';
import { AnyEvent, dlqTopic, parse } from '@clinic/contracts';
import type { Database } from '@clinic/platform';
import { MessagingLogger, MessagingMetrics, errorText, sleep, stderrLogger } from './logger';
import { parseLeadCreatedFast } from './fast-parse';
import { appendToOutbox } from './outbox';
import { BatchControl, IncomingMessage, OutgoingMessage, Subscription, Transport } from './transport';

/** Shared by every event of one consumed batch (one transaction). */
export interface BatchScope {
  /** Scratch space for the batch, e.g. to accumulate read-model changes and write them once. */
  readonly state: Map<string, unknown>;
  /** Runs after the batch's last handler and before COMMIT, in the same transaction. */
  beforeCommit(flush: () => Promise<void>): void;
}

export interface EventContext {
  /** The batch's transaction: write state changes (and nothing else) through it. */
  tx: PoolClient;
  event: AnyEvent;
  /** Appends events to the outbox in the same transaction. */
  emit(...events: AnyEvent[]): Promise<void>;
  batch: BatchScope;
  /** The transport message the event came in. */
  message: IncomingMessage;
}

export type EventHandler = (event: AnyEvent, ctx: EventContext) => Promise<void>;

export interface EventConsumerOptions {
  db: Database;
  transport: Transport;
  groupId: string;
  topics: string[];
  handle: EventHandler;
  /** Attempts of a failing batch before it is split to isolate the poison event (default 3). */
  maxAttempts?: number;
  /** First retry delay, doubled each attempt (default 50 ms). */
  backoffMs?: number;
  /**
   * Events per transaction (default 250): a larger transport batch is applied in consecutive
   * transactions of at most this many, so no event waits behind a huge transaction.
   */
  maxEventsPerTransaction?: number;
  logger?: MessagingLogger;
  metrics?: MessagingMetrics;
  /** Wraps each handler call, e.g. to carry the event's correlationId into log lines. */
  around?: <T>(event: AnyEvent, work: () => Promise<T>) => Promise<T>;
}

/** An error thrown by user code (a handler or a beforeCommit flush), as opposed to infrastructure. */
class HandlerFailure extends Error {
  constructor(readonly original: unknown, readonly event: AnyEvent) {
    super(errorText(original));
  }
}

interface Decoded {
  message: IncomingMessage;
  event: AnyEvent;
}

class Scope implements BatchScope {
  readonly state = new Map<string, unknown>();
  readonly flushes: Array<() => Promise<void>> = [];
  beforeCommit(flush: () => Promise<void>): void {
    this.flushes.push(flush);
  }
}

const MAX_HEADER = 2000;

/**
 * Consumes events with exactly-once effect on top of at-least-once delivery.
 *
 * Per consumed batch: ONE transaction inserts the batch's eventIds into `inbox`
 * (ON CONFLICT DO NOTHING RETURNING), calls the handler only for the new ones in order, runs the
 * `beforeCommit` flushes and commits; the transport commits offsets afterwards. A redelivered
 * event finds its inbox row and is skipped.
 *
 * Messages that are not valid events go straight to `<topic>.dlq` with the reasons. A failing
 * batch is retried with exponential backoff; then each event runs in a transaction of its own,
 * and the one that still fails goes to the DLQ with its error (recorded in the inbox as
 * dead-lettered) while the others are applied. Infrastructure failures (database down) are not
 * dead-lettered: the batch is left uncommitted and delivered again.
 */
export class EventConsumer {
  private readonly options: Required<Pick<EventConsumerOptions, 'maxAttempts' | 'backoffMs' | 'maxEventsPerTransaction'>> & EventConsumerOptions;
  private readonly logger: MessagingLogger;
  private readonly metrics: MessagingMetrics;
  private subscription: Subscription | null = null;

  constructor(options: EventConsumerOptions) {
    this.options = {
      ...options,
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      backoffMs: options.backoffMs ?? 50,
      maxEventsPerTransaction: Math.max(1, options.maxEventsPerTransaction ?? 250),
    };
    this.logger = options.logger ?? stderrLogger;
    this.metrics = options.metrics ?? {};
  }

  get groupId(): string {
    return this.options.groupId;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    const { transport, groupId, topics } = this.options;
    await transport.ensureTopics(topics);
    this.subscription = await transport.subscribe({ groupId, topics, handleBatch: (batch, control) => this.handleBatch(batch, control) });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /** Handles one transport batch, in transactions of at most `maxEventsPerTransaction` events; exposed for tests and custom transports. */
  async handleBatch(batch: IncomingMessage[], transportControl: BatchControl = { heartbeat: async () => undefined }): Promise<void> {
    // A failed heartbeat (e.g. a rebalance started) must not fail an event: the offset commit will
    // fail instead and the batch is redelivered, where the inbox turns it into a no-op.
    const control: BatchControl = { heartbeat: () => transportControl.heartbeat().catch(() => undefined) };
    const size = this.options.maxEventsPerTransaction;
    if (batch.length <= size) return this.handleChunk(batch, control);
    for (let start = 0; start < batch.length; start += size) {
      await this.handleChunk(batch.slice(start, start + size), control);
      await control.heartbeat();
    }
  }

  private async handleChunk(batch: IncomingMessage[], control: BatchControl): Promise<void> {
    const decoded: Decoded[] = [];
    const invalid: Array<{ message: IncomingMessage; errors: string[] }> = [];
    for (const message of batch) {
      const fast = parseLeadCreatedFast(message.value);
      if (fast) {
        decoded.push({ message, event: fast });
        continue;
      }
      const result = parse(message.value);
      if (result.ok) decoded.push({ message, event: result.event });
      else invalid.push({ message, errors: result.errors });
    }
    if (invalid.length > 0) {
      await this.deadLetter(invalid.map(({ message, errors }) => ({ message, reason: 'invalid', error: errors.join('; '), attempts: 0 })));
      for (const { message, errors } of invalid) {
        this.logger.warn({ topic: message.topic, partition: message.partition, offset: message.offset, errors }, 'invalid message sent to the DLQ');
      }
    }
    if (decoded.length === 0) return;

    const { maxAttempts, backoffMs } = this.options;
    // A batch of several events is retried whole first; a single event goes straight to the loop below.
    const batchAttempts = decoded.length > 1 ? maxAttempts : 0;
    for (let attempt = 1; attempt <= batchAttempts; attempt++) {
      try {
        await this.applyInOneTransaction(decoded, control);
        return;
      } catch (error) {
        this.logger.warn({ err: errorText(error), groupId: this.groupId, attempt, events: decoded.length }, 'event batch failed');
        if (attempt < batchAttempts) await sleep(backoffMs * 2 ** (attempt - 1));
        await control.heartbeat();
      }
    }

    // Isolate the poison: one event per transaction, in order.
    for (const item of decoded) {
      let lastError: unknown;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
          await this.applyInOneTransaction([item], control);
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
          if (decoded.length === 1) this.logger.warn({ err: errorText(error), groupId: this.groupId, attempt, eventId: item.event.eventId }, 'event failed');
          if (attempt < maxAttempts) await sleep(backoffMs * 2 ** (attempt - 1));
          await control.heartbeat();
        }
      }
      if (lastError === undefined) continue;
      // A database that cannot be reached is not the event's fault: leave the batch for redelivery.
      if (!(await this.options.db.ping())) throw lastError;
      const cause = lastError instanceof HandlerFailure ? lastError.original : lastError;
      await this.deadLetter([{ message: item.message, reason: 'handler-failed', error: errorText(cause), attempts: batchAttempts + maxAttempts }]);
      await this.options.db.query(
        `INSERT INTO inbox (consumer_group, event_id, outcome) VALUES ($1, $2, 'dead-lettered') ON CONFLICT DO NOTHING`,
        [this.groupId, item.event.eventId],
      );
      this.metrics.handled?.(item.event.type, 'dead-lettered');
      this.logger.error(
        { err: errorText(cause), groupId: this.groupId, eventId: item.event.eventId, type: item.event.type, correlationId: item.event.correlationId },
        'event failed after retries; sent to the DLQ',
      );
    }
  }

  private async applyInOneTransaction(items: Decoded[], control: BatchControl): Promise<void> {
    const { db, handle, around } = this.options;
    const applied: AnyEvent[] = [];
    let duplicates: AnyEvent[] = [];
    await db.transaction(async (tx) => {
      // Sorted: two batches holding the same events in another order take their inbox locks in one
      // order, so they wait for each other instead of deadlocking.
      const ids = [...new Set(items.map((item) => item.event.eventId.toLowerCase()))].sort();
      // A named statement: planned once per connection, not for every batch.
      const { rows } = await tx.query<{ event_id: string }>({
        name: 'messaging.inbox-insert',
        text: `INSERT INTO inbox (consumer_group, event_id)
         SELECT $1, id FROM unnest($2::uuid[]) AS id
         ON CONFLICT DO NOTHING
         RETURNING event_id::text`,
        values: [this.groupId, ids],
      });
      const fresh = new Set(rows.map((row) => row.event_id));
      const scope = new Scope();
      duplicates = [];
      applied.length = 0;
      let sinceHeartbeat = Date.now();
      for (const { event, message } of items) {
        const id = event.eventId.toLowerCase();
        if (!fresh.delete(id)) {
          duplicates.push(event);
          continue;
        }
        const ctx: EventContext = {
          tx,
          event,
          message,
          batch: scope,
          emit: (...events: AnyEvent[]) => appendToOutbox(tx, events),
        };
        try {
          await (around ? around(event, () => handle(event, ctx)) : handle(event, ctx));
        } catch (error) {
          throw new HandlerFailure(error, event);
        }
        applied.push(event);
        if (Date.now() - sinceHeartbeat > 1000) {
          await control.heartbeat();
          sinceHeartbeat = Date.now();
        }
      }
      for (const flush of scope.flushes) {
        try {
          await flush();
        } catch (error) {
          throw new HandlerFailure(error, items[items.length - 1].event);
        }
      }
    });
    const now = Date.now();
    for (const event of applied) {
      this.metrics.handled?.(event.type, 'applied');
      const occurred = Date.parse(event.occurredAt);
      if (!Number.isNaN(occurred)) this.metrics.lagSeconds?.(items[0].message.topic, Math.max(0, (now - occurred) / 1000));
    }
    for (const event of duplicates) this.metrics.handled?.(event.type, 'duplicate');
  }

  private async deadLetter(entries: Array<{ message: IncomingMessage; reason: string; error: string; attempts: number }>): Promise<void> {
    const topics = [...new Set(entries.map(({ message }) => dlqTopic(message.topic)))];
    await this.options.transport.ensureTopics(topics);
    const failedAt = new Date().toISOString();
    const messages: OutgoingMessage[] = entries.map(({ message, reason, error, attempts }) => ({
      topic: dlqTopic(message.topic),
      key: message.key ?? '',
      value: message.value,
      headers: {
        ...message.headers,
        'dlq-error': error.slice(0, MAX_HEADER),
        'dlq-reason': reason,
        'dlq-original-topic': message.topic,
        'dlq-original-partition': String(message.partition),
        'dlq-original-offset': message.offset,
        'dlq-consumer-group': this.groupId,
        'dlq-attempts': String(attempts),
        'dlq-failed-at': failedAt,
      },
    }));
    await this.options.transport.publish(messages);
    for (const message of messages) this.metrics.deadLettered?.(message.topic);
  }
}
