import { describeWholeSystem } from './whole-system';

// Kafka mode: every service its own process, events on Apache Kafka. Without KAFKA_BROKERS this fails with how to get a broker.
describeWholeSystem('kafka', 'the whole system on the real Kafka broker (KAFKA_BROKERS)');
