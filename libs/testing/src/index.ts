export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { createTestDatabase, testServerUrl } from './postgres';
export type { TestDatabase } from './postgres';
export { freePort } from './ports';
export { kafkaBrokers, kafkaConfigured, parseKafkaBrokers, uniqueTopicName, testKafka, createTestTopics, deleteTestTopics, startGroupsAtTheEnd, KAFKA_SETUP_HELP } from './kafka';
