import { EmbeddedTransport } from './embedded-transport';
import { KafkaTransport } from './kafka-transport';
import { Transport, TransportConfig } from './transport';

/** Kafka when `kafkaBrokers` is non-empty, else the embedded Postgres log at `eventLogDatabaseUrl`. */
export function createTransport(config: TransportConfig): Transport {
  const brokers = (config.kafkaBrokers ?? []).map((broker) => broker.trim()).filter(Boolean);
  if (brokers.length > 0) return new KafkaTransport({ ...config, kafkaBrokers: brokers });
  if (!config.eventLogDatabaseUrl) {
    throw new Error('messaging: set KAFKA_BROKERS for Kafka, or an event-log database URL (EVENT_LOG_DATABASE_URL) for the embedded log');
  }
  return new EmbeddedTransport({ ...config, eventLogDatabaseUrl: config.eventLogDatabaseUrl });
}
