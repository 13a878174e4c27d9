import { randomBytes } from 'crypto';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for';

/**
 * Where a Kafka test's broker comes from. `npm test` (tools/test/run-tests.mjs) resolves it once
 * for the whole run: KAFKA_BROKERS if set; else Testcontainers when a Docker engine answers;
 * else the local broker from Maven Central jars (tools/kafka/kafka.mjs). A single test file run
 * with `npx jest` reads KAFKA_BROKERS only.
 */
export const KAFKA_SETUP_HELP = [
  'KAFKA_BROKERS is not set, and Kafka tests need a real broker. Either:',
  '  - run the whole suite with `npm test` (it starts a broker for the run and stops it after), or',
  '  - run `npm run kafka:start` (needs Java 17 + Maven; it downloads the Kafka jars once) and then',
  '    export KAFKA_BROKERS=127.0.0.1:9092 before `npx jest <file>`; `npm run kafka:stop` when done.',
  'No Java? Install Java 17 and Maven (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven),',
  'or use a machine with a Docker engine (Testcontainers), or point KAFKA_BROKERS at any Kafka 3.x/4.x broker.',
].join('\n');

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

/** Parses a KAFKA_BROKERS value ("host:port[,host:port...]"); throws naming the bad entry. */
export function parseKafkaBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (brokers.length === 0) throw new Error(`KAFKA_BROKERS is empty; expected host:port[,host:port...]\n${KAFKA_SETUP_HELP}`);
  for (const broker of brokers) {
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (!HOST_PORT.test(broker) || port < 1 || port > 65535) {
      throw new Error(`KAFKA_BROKERS entry "${broker}" is not host:port (value was "${value}")`);
    }
  }
  return brokers;
}

/** The broker list from KAFKA_BROKERS, or an error that says how to get a broker. */
export function kafkaBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.KAFKA_BROKERS;
  if (value === undefined || value.trim() === '') throw new Error(KAFKA_SETUP_HELP);
  return parseKafkaBrokers(value);
}

/** True when KAFKA_BROKERS is set (lets a suite choose its transports without throwing). */
export function kafkaConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KAFKA_BROKERS && env.KAFKA_BROKERS.trim());
}

/** A topic name no other test (or earlier run) uses: `<prefix>.<random>`. */
export function uniqueTopicName(prefix = 'test'): string {
  return `${prefix.replace(/[^A-Za-z0-9._-]/g, '_')}.${randomBytes(5).toString('hex')}`;
}

/** A kafkajs client for tests: 127.0.0.1 brokers from KAFKA_BROKERS, quiet logs, short retries. */
export function testKafka(clientId = 'test', brokers: string[] = kafkaBrokers()): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

/** Creates the topics (and waits for their leaders), so producing never races topic creation. */
export async function createTestTopics(topics: string[], options: { partitions?: number; brokers?: string[] } = {}): Promise<void> {
  const admin = testKafka('test-admin', options.brokers ?? kafkaBrokers()).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: options.partitions ?? 1, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Deletes test topics; ignores topics that are already gone. */
export async function deleteTestTopics(topics: string[], brokers: string[] = kafkaBrokers()): Promise<void> {
  if (topics.length === 0) return;
  const admin = testKafka('test-admin', brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts consumer groups at the topics' current end, so a group of this run does not replay
 * every earlier run's events on a shared broker (creating the topics first). Explicit end offsets:
 * kafkajs' resetOffsets commits the -1 sentinel, which a group then reads as "from the beginning".
 * Right after topics are created their leaders may not be known yet (NOT_LEADER): retried.
 */
export async function startGroupsAtTheEnd(groupIds: string[], topics: string[], options: { partitions?: number; brokers?: string[] } = {}): Promise<void> {
  const brokers = options.brokers ?? kafkaBrokers();
  await createTestTopics(topics, { partitions: options.partitions, brokers });
  const admin = testKafka('test-group-admin', brokers).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await waitFor(() => admin.fetchTopicOffsets(topic), { timeoutMs: 30_000, intervalMs: 200, description: `the end offsets of ${topic}` });
      for (const groupId of groupIds) {
        await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
      }
    }
  } finally {
    await admin.disconnect();
  }
}
