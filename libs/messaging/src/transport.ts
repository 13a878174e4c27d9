import { MessagingLogger } from './logger';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface BatchControl {
  /** Keeps the consumer's group membership alive during a long batch (no-op on the embedded log). */
  heartbeat(): Promise<void>;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  /**
   * Handles one batch (messages of one partition, in order). Offsets are committed only after it
   * resolves; if it throws, the batch is delivered again (at-least-once).
   */
  handleBatch: (batch: IncomingMessage[], control: BatchControl) => Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

/** What carries messages between services: Apache Kafka, or a Postgres-backed log when embedded. */
export interface Transport {
  readonly kind: 'kafka' | 'embedded';
  /** Creates the topics (and each `<topic>.dlq`) if they do not exist. */
  ensureTopics(topics: string[]): Promise<void>;
  /** Resolves only when every message is durably stored (Kafka: acks=all). Per-key order is kept. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

export interface TransportConfig {
  clientId: string;
  /** Non-empty: Kafka. Otherwise the embedded log at `eventLogDatabaseUrl`. */
  kafkaBrokers?: string[];
  eventLogDatabaseUrl?: string;
  /** Partitions of topics this client creates (default 6). */
  partitions?: number;
  logger?: MessagingLogger;
  /**
   * Kafka consumer tuning (defaults: session 30 s, heartbeat 3 s, every partition of a topic
   * consumed concurrently, fetches answered after at most 20 ms, up to 256 KiB per partition,
   * offsets committed once a second).
   */
  kafkaConsumer?: {
    sessionTimeoutMs?: number;
    heartbeatIntervalMs?: number;
    partitionsConsumedConcurrently?: number;
    maxWaitTimeInMs?: number;
    maxBytesPerPartition?: number;
    /** How often handled offsets are committed to the broker (default 1000 ms). */
    offsetCommitIntervalMs?: number;
  };
}

/** Topics plus their dead-letter topics, without duplicates. */
export function withDlqTopics(topics: string[]): string[] {
  const all = new Set<string>();
  for (const topic of topics) {
    all.add(topic);
    if (!topic.endsWith('.dlq')) all.add(`${topic}.dlq`);
  }
  return [...all];
}
