import { AnyEvent, EXTERNAL_ID, LEAD_SOURCES, SCHEMA_VERSIONS } from '@clinic/contracts';

/*
 * A fast path for the hot event type (LeadCreated, thousands per second): plain checks that are
 * STRICTER than the contract's class-validator schema, so whatever they accept `parse` accepts too
 * (fast-parse.spec.ts checks this on mutated events and fails if LeadCreated's declared constraints
 * change; the envelope (EnvelopeSchema, not exported) is mirrored by hand). Anything they
 * do not accept goes through the full `parse`, so an invalid event still reaches the DLQ with the
 * contract's reasons.
 */

/** A subset of validator's isUUID('all'): RFC 4122 versions 1-8, variant 10xx. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** A subset of validator's isISO8601: a UTC timestamp as toISOString() writes it. */
const ISO_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
/** Below the contract's MAX_PAISE (the spec checks it): larger prices take the full path. */
export const FAST_MAX_PAISE = 10_000_000_000;

const isString = (value: unknown, maxLength: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= maxLength;
const matches = (value: unknown, pattern: RegExp): boolean => typeof value === 'string' && pattern.test(value);
const sources: readonly string[] = LEAD_SOURCES;

/**
 * The LeadCreated event in `raw` (JSON text) if it passes the fast checks, else null: call
 * `parse(raw)` then, for the full validation and its error messages.
 */
export function parseLeadCreatedFast(raw: string): AnyEvent | null {
  // Cheap pre-check: other types go straight to the full path without a second JSON.parse.
  if (!raw.includes('"LeadCreated"')) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if (value.type !== 'LeadCreated' || value.schemaVersion !== SCHEMA_VERSIONS.LeadCreated) return null;
  if (!matches(value.eventId, UUID) || !matches(value.occurredAt, ISO_UTC) || !matches(value.clinicId, EXTERNAL_ID)) return null;
  if (!isString(value.producer, 100) || !isString(value.correlationId, 200)) return null;
  const causation = value.causationId;
  if (causation !== null && causation !== undefined && !(typeof causation === 'string' && causation.length <= 200)) return null;
  const payload = value.payload as Record<string, unknown> | null;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  if (!matches(payload.leadId, UUID) || !matches(payload.clinicId, EXTERNAL_ID) || !matches(payload.packageId, EXTERNAL_ID)) return null;
  const price = payload.packagePricePaise;
  if (typeof price !== 'number' || !Number.isInteger(price) || price < 0 || price > FAST_MAX_PAISE) return null;
  if (typeof payload.source !== 'string' || !sources.includes(payload.source) || !matches(payload.createdAt, ISO_UTC)) return null;
  return value as unknown as AnyEvent;
}
