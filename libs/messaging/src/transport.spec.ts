import { createTransport } from './create-transport';
import { EmbeddedTransport } from './embedded-transport';
import { KafkaTransport } from './kafka-transport';
import { Wakeup, errorText } from './logger';
import { withDlqTopics } from './transport';

describe('transport selection and helpers', () => {
  it('picks Kafka when brokers are given, else the embedded log', async () => {
    const kafka = createTransport({ clientId: 't', kafkaBrokers: [' 127.0.0.1:1 '], eventLogDatabaseUrl: 'postgres://x@127.0.0.1:1/db' });
    const embedded = createTransport({ clientId: 't', kafkaBrokers: ['', ' '], eventLogDatabaseUrl: 'postgres://x@127.0.0.1:1/db' });
    expect(kafka).toBeInstanceOf(KafkaTransport);
    expect(kafka.kind).toBe('kafka');
    expect(embedded).toBeInstanceOf(EmbeddedTransport);
    expect(embedded.kind).toBe('embedded');
    await Promise.all([kafka.close(), embedded.close()]);
  });

  it('names the missing setting when neither brokers nor an event-log URL is given', () => {
    expect(() => createTransport({ clientId: 't' })).toThrow(/KAFKA_BROKERS.*EVENT_LOG_DATABASE_URL/);
  });

  it('adds each topic\'s DLQ once', () => {
    expect(withDlqTopics(['a', 'b', 'a', 'a.dlq'])).toEqual(['a', 'a.dlq', 'b', 'b.dlq']);
  });

  it('remembers a wake-up that arrives while nobody waits', async () => {
    const wakeup = new Wakeup();
    wakeup.wake();
    const started = Date.now();
    await wakeup.wait(10_000);
    const waiting = wakeup.wait(10_000);
    wakeup.wake();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('describes any thrown value', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText({ status: 'error', message: 'x' })).toBe('{"status":"error","message":"x"}');
    expect(errorText('plain')).toBe('plain');
  });
});
