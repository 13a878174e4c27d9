export { EXTERNAL_ID } from './envelope';
export type { EventEnvelope } from './envelope';
export { TOPICS, ALL_TOPICS, dlqTopic, EVENT_TOPIC, EVENT_TYPES, topicOf } from './event-types';
export type { Topic, EventType } from './event-types';
export * from './payloads';
export { PAYLOAD_SCHEMAS, SCHEMA_VERSIONS, UPCASTERS } from './registry';
export type { PayloadOf, Event, AnyEvent } from './registry';
export { parse, createEvent, causedBy, eventHeaders, describeValidationErrors, isKnownType } from './parse';
export type { ParseResult, EventMeta } from './parse';
