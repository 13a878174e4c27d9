import { randomUUID } from 'crypto';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { EnvelopeSchema } from './envelope';
import { EventType, EVENT_TOPIC } from './event-types';
import { AnyEvent, Event, PAYLOAD_SCHEMAS, PayloadOf, SCHEMA_VERSIONS, UPCASTERS } from './registry';

export type ParseResult = { ok: true; event: AnyEvent } | { ok: false; errors: string[] };

/** Flattens class-validator errors into `path: reason` lines. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => `${path}: ${reason}`);
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

function validate(schema: new () => object, value: unknown, prefix: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${prefix || 'event'}: must be an object`];
  const instance = plainToInstance(schema, value);
  return describeValidationErrors(validateSync(instance, { forbidUnknownValues: true }), prefix);
}

/**
 * Turns raw input (a JSON string, a Buffer, or an object) into a typed, current-version event,
 * or the list of reasons it is not one. Never throws.
 */
export function parse(raw: unknown): ParseResult {
  let value: unknown = raw;
  try {
    if (Buffer.isBuffer(value)) value = value.toString('utf8');
    if (typeof value === 'string') value = JSON.parse(value);
  } catch {
    return { ok: false, errors: ['event: not valid JSON'] };
  }
  const envelopeErrors = validate(EnvelopeSchema, value, '');
  if (envelopeErrors.length > 0) return { ok: false, errors: envelopeErrors };

  const envelope = value as AnyEvent;
  const type = envelope.type as EventType;
  const current = SCHEMA_VERSIONS[type];
  if (envelope.schemaVersion > current) {
    return { ok: false, errors: [`schemaVersion: ${type} v${envelope.schemaVersion} is newer than this consumer knows (v${current})`] };
  }
  let payload = envelope.payload as unknown as Record<string, unknown>;
  for (let version = envelope.schemaVersion; version < current; version++) {
    const upcast = UPCASTERS[type]?.[version];
    if (!upcast) return { ok: false, errors: [`schemaVersion: no upcaster for ${type} v${version}`] };
    payload = upcast(payload);
  }
  const payloadErrors = validate(PAYLOAD_SCHEMAS[type], payload, 'payload');
  if (payloadErrors.length > 0) return { ok: false, errors: payloadErrors };
  return { ok: true, event: { ...envelope, schemaVersion: current, payload } as unknown as AnyEvent };
}

export interface EventMeta {
  producer: string;
  clinicId: string;
  correlationId?: string;
  causationId?: string | null;
  eventId?: string;
  occurredAt?: Date | string;
}

/** Builds an envelope around a payload at the current schema version. */
export function createEvent<T extends EventType>(type: T, payload: PayloadOf<T>, meta: EventMeta): Event<T> {
  const eventId = meta.eventId ?? randomUUID();
  const occurredAt = meta.occurredAt ?? new Date();
  return {
    eventId,
    type,
    schemaVersion: SCHEMA_VERSIONS[type],
    occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
    producer: meta.producer,
    clinicId: meta.clinicId,
    correlationId: meta.correlationId ?? eventId,
    causationId: meta.causationId ?? null,
    payload,
  };
}

/** An event caused by another carries its correlation id and names it as the cause. */
export function causedBy(cause: Pick<AnyEvent, 'eventId' | 'correlationId'>): Pick<EventMeta, 'correlationId' | 'causationId'> {
  return { correlationId: cause.correlationId, causationId: cause.eventId };
}

/** Envelope fields mirrored as Kafka headers, so brokers' tools can filter without parsing JSON. */
export function eventHeaders(event: AnyEvent | Event): Record<string, string> {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: String(event.schemaVersion),
    producer: event.producer,
    clinicId: event.clinicId,
    correlationId: event.correlationId,
    ...(event.causationId ? { causationId: event.causationId } : {}),
  };
}

export const isKnownType = (type: string): type is EventType => type in EVENT_TOPIC;
