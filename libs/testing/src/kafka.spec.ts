import { KAFKA_SETUP_HELP, kafkaBrokers, kafkaConfigured, parseKafkaBrokers, uniqueTopicName } from './kafka';

describe('kafkaBrokers', () => {
  it('reads a comma-separated KAFKA_BROKERS list, trimming blanks', () => {
    expect(kafkaBrokers({ KAFKA_BROKERS: '127.0.0.1:9092' })).toEqual(['127.0.0.1:9092']);
    expect(kafkaBrokers({ KAFKA_BROKERS: ' kafka-0.kafka:9092 , kafka-1.kafka:9092,' })).toEqual(['kafka-0.kafka:9092', 'kafka-1.kafka:9092']);
  });

  it('without KAFKA_BROKERS, fails with what to run and what to install', () => {
    expect(() => kafkaBrokers({})).toThrow(KAFKA_SETUP_HELP);
    expect(() => kafkaBrokers({ KAFKA_BROKERS: '  ' })).toThrow(/npm run kafka:start/);
    expect(KAFKA_SETUP_HELP).toContain('KAFKA_BROKERS=127.0.0.1:9092');
    expect(KAFKA_SETUP_HELP).toMatch(/Java 17/);
    expect(KAFKA_SETUP_HELP).toMatch(/Maven/);
    expect(KAFKA_SETUP_HELP).toMatch(/Docker engine/);
    expect(kafkaConfigured({})).toBe(false);
    expect(kafkaConfigured({ KAFKA_BROKERS: '127.0.0.1:9092' })).toBe(true);
  });

  it('names a malformed entry', () => {
    expect(() => parseKafkaBrokers('127.0.0.1')).toThrow('KAFKA_BROKERS entry "127.0.0.1" is not host:port');
    expect(() => parseKafkaBrokers('127.0.0.1:9092,http://x:1')).toThrow('"http://x:1"');
    expect(() => parseKafkaBrokers('127.0.0.1:99999')).toThrow('"127.0.0.1:99999"');
    expect(() => parseKafkaBrokers(',')).toThrow(/empty/);
  });
});

describe('uniqueTopicName', () => {
  it('is a legal, unique topic name with the prefix', () => {
    const a = uniqueTopicName('ledger v1');
    const b = uniqueTopicName('ledger v1');
    expect(a).toMatch(/^ledger_v1\.[0-9a-f]{10}$/);
    expect(a).not.toBe(b);
  });
});
