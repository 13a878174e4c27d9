import { createTestTopics, deleteTestTopics, kafkaBrokers, testKafka, uniqueTopicName } from './kafka';
import { waitFor } from './wait-for';

// The broker `npm test` provides (local KRaft broker, Testcontainers or KAFKA_BROKERS) works the
// way libs/messaging relies on: explicit topics, idempotent acks=all producer, consumer groups
// with per-key ordering and committed offsets. No KAFKA_BROKERS fails here, never skips.
describe('test Kafka broker', () => {
  const topic = uniqueTopicName('harness');

  afterAll(async () => {
    await deleteTestTopics([topic]);
  });

  it('is reachable from KAFKA_BROKERS', async () => {
    const admin = testKafka('harness-admin', kafkaBrokers()).admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps per-key order across partitions and resumes from committed offsets', async () => {
    await createTestTopics([topic], { partitions: 3 });
    const kafka = testKafka('harness');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const keys = ['clinic-a', 'clinic-b', 'clinic-c', 'clinic-d'];
    const send = (from: number, to: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: keys.flatMap((key) => Array.from({ length: to - from }, (_, i) => ({ key, value: String(from + i) }))),
      });
    await send(0, 5);

    const groupId = uniqueTopicName('harness-group');
    const seen = new Map<string, number[]>();
    const consume = async () => {
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key!.toString();
          seen.set(key, [...(seen.get(key) ?? []), Number(message.value!.toString())]);
        },
      });
      return consumer;
    };

    let consumer = await consume();
    await waitFor(() => keys.every((key) => seen.get(key)?.length === 5), { timeoutMs: 30_000, description: 'first 5 per key' });
    await consumer.disconnect(); // commits the offsets it consumed

    await send(5, 8);
    consumer = await consume();
    await waitFor(() => keys.every((key) => seen.get(key)?.length === 8), { timeoutMs: 30_000, description: 'next 3 per key' });
    await consumer.disconnect();
    await producer.disconnect();

    for (const key of keys) expect(seen.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
