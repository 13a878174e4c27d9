import { Admin, Consumer, IHeaders, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import { MessagingLogger, errorText, stderrLogger } from './logger';
import { IncomingMessage, OutgoingMessage, SubscribeOptions, Subscription, Transport, TransportConfig, withDlqTopics } from './transport';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}

/**
 * Apache Kafka through kafkajs: an idempotent producer (acks=all, one request in flight, key =
 * clinicId so a clinic's events share a partition), batch consumers whose offsets are resolved after
 * the handler's transaction and committed once a second, heartbeats during long batches, every
 * partition consumed concurrently.
 */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly partitions: number;
  private readonly logger: MessagingLogger;
  private producer: Promise<Producer> | null = null;
  private admin: Promise<Admin> | null = null;
  private readonly ensured = new Set<string>();
  private readonly consumers = new Set<Consumer>();
  private closed = false;
  private readonly sessionTimeout: number;
  private readonly heartbeatInterval: number;
  private readonly concurrency: number;
  private readonly maxWaitTimeInMs: number;
  private readonly maxBytesPerPartition: number;
  private readonly offsetCommitIntervalMs: number;

  constructor(config: TransportConfig & { kafkaBrokers: string[] }) {
    this.sessionTimeout = config.kafkaConsumer?.sessionTimeoutMs ?? 30_000;
    this.heartbeatInterval = config.kafkaConsumer?.heartbeatIntervalMs ?? 3000;
    this.partitions = config.partitions ?? 6;
    // One clinic's events share a partition, so partitions are independent: take them all at once,
    // letting Node prepare one batch while Postgres commits another.
    this.concurrency = config.kafkaConsumer?.partitionsConsumedConcurrently ?? this.partitions;
    // The broker answers a fetch as soon as data arrives; the wait only bounds an idle poll.
    this.maxWaitTimeInMs = config.kafkaConsumer?.maxWaitTimeInMs ?? 20;
    // ~500 events of a typical size per partition and fetch: enough to amortise a transaction,
    // small enough that a fetch is handled in tens of milliseconds.
    this.maxBytesPerPartition = config.kafkaConsumer?.maxBytesPerPartition ?? 256 * 1024;
    this.offsetCommitIntervalMs = config.kafkaConsumer?.offsetCommitIntervalMs ?? 1000;
    this.logger = config.logger ?? stderrLogger;
    const logger = this.logger;
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.kafkaBrokers,
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) => {
        const { message, ...fields } = entry.log;
        logger.error({ kafka: entry.namespace, ...fields }, `kafkajs: ${message}`);
      },
      retry: { initialRetryTime: 100, retries: 8 },
    });
  }

  private getAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = null));
    }
    return this.admin;
  }

  private getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => (this.producer = null));
    }
    return this.producer;
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const missing = withDlqTopics(topics).filter((topic) => !this.ensured.has(topic));
    if (missing.length === 0) return;
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((topic) => !existing.has(topic));
    if (toCreate.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: toCreate.map((topic) => ({ topic, numPartitions: this.partitions })),
        });
      } catch (error) {
        // Another service may have created them a moment ago; anything else is real.
        const names = new Set(await admin.listTopics());
        if (!toCreate.every((topic) => names.has(topic))) throw error;
      }
    }
    missing.forEach((topic) => this.ensured.add(topic));
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.getProducer();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((message) => ({ key: message.key, value: message.value, headers: message.headers })),
      })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.sessionTimeout,
      heartbeatInterval: this.heartbeatInterval,
      maxWaitTimeInMs: this.maxWaitTimeInMs,
      maxBytesPerPartition: this.maxBytesPerPartition,
      minBytes: 1,
      retry: { initialRetryTime: 100, retries: 8 },
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: true });
    await consumer.run({
      // Offsets are resolved only after the batch's transaction committed, and committed to the
      // broker at most once a second: an OffsetCommit round trip per batch held up the next fetch
      // (~10-30 ms on a busy machine). A crash redelivers up to a second of events; the inbox skips them.
      autoCommit: true,
      autoCommitInterval: this.offsetCommitIntervalMs,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.concurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        if (batch.messages.length === 0 || !isRunning() || isStale()) return;
        const messages: IncomingMessage[] = batch.messages.map((message) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key ? message.key.toString('utf8') : null,
          value: message.value ? message.value.toString('utf8') : '',
          headers: headersToStrings(message.headers),
        }));
        await options.handleBatch(messages, { heartbeat: () => heartbeat() });
        resolveOffset(messages[messages.length - 1].offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
    let stopped = false;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        this.consumers.delete(consumer);
        await consumer.disconnect().catch((error) => this.logger.warn({ err: errorText(error) }, 'kafka consumer disconnect failed'));
      },
    };
  }

  async isHealthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const admin = await this.getAdmin();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect().catch(() => undefined)));
    this.consumers.clear();
    const producer = this.producer;
    const admin = this.admin;
    this.producer = null;
    this.admin = null;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
