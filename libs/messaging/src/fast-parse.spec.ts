import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { LeadCreated, createEvent, parse } from '@clinic/contracts';
import { FAST_MAX_PAISE, parseLeadCreatedFast } from './fast-parse';

const valid = () =>
  createEvent(
    'LeadCreated',
    { leadId: '0b6f4a52-3c1e-4f4e-9d7a-2a1c3b4d5e6f', clinicId: 'clinic-1', packageId: 'pkg-1', packagePricePaise: 800_000, source: 'marketplace', createdAt: '2026-01-10T12:00:00.000Z' },
    { producer: 'lead-intake', clinicId: 'clinic-1' },
  );

/** Values a field may take: valid ones, near misses and wrong types. */
const candidates = fc.constantFrom<unknown>(
  undefined, null, '', ' ', 'x', 'clinic-1', 'clinic 1', 'a'.repeat(101), 'a'.repeat(201), 0, -1, 1, 1.5, 2, 100_000_000_000, 100_000_000_001,
  FAST_MAX_PAISE, FAST_MAX_PAISE + 1, true, [], {}, 'marketplace', 'api', 'fax', 'LeadCreated', 'LeadReleased',
  '0b6f4a52-3c1e-4f4e-9d7a-2a1c3b4d5e6f', '0B6F4A52-3C1E-4F4E-9D7A-2A1C3B4D5E6F', '0b6f4a52-3c1e-0f4e-9d7a-2a1c3b4d5e6f', '0b6f4a523c1e4f4e9d7a2a1c3b4d5e6f',
  '2026-01-10T12:00:00.000Z', '2026-01-10T12:00:00Z', '2026-13-10T12:00:00.000Z', '2026-01-10 12:00:00', '2026-01-10T24:00:00.000Z', '2026-02-31T12:00:00.000Z',
);
const envelopeFields = ['eventId', 'type', 'schemaVersion', 'occurredAt', 'producer', 'clinicId', 'correlationId', 'causationId', 'payload', 'extra'];
const payloadFields = ['leadId', 'clinicId', 'packageId', 'packagePricePaise', 'source', 'createdAt', 'extra'];

describe('parseLeadCreatedFast', () => {
  it('accepts a well-formed LeadCreated exactly as parse() returns it, and leaves other types to parse()', () => {
    const event = valid();
    const raw = JSON.stringify(event);
    const parsed = parse(raw);
    expect(parsed.ok && parsed.event).toEqual(event);
    expect(parseLeadCreatedFast(raw)).toEqual(event);
    const payment = createEvent('LeadExpired', { leadId: event.payload.leadId, clinicId: 'clinic-1', expiredAt: '2026-01-10T12:00:00.000Z' }, { producer: 'x', clinicId: 'clinic-1' });
    expect(parseLeadCreatedFast(JSON.stringify(payment))).toBeNull();
  });

  it('never accepts what parse() rejects, and agrees with it on what it accepts (any field changed to any candidate)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...envelopeFields, ...payloadFields), candidates), { maxLength: 4 }),
        (changes) => {
          const event = valid() as unknown as Record<string, unknown>;
          const payload = { ...(event.payload as Record<string, unknown>) };
          event.payload = payload;
          for (const [inPayload, field, value] of changes) {
            const target = inPayload && payloadFields.includes(field) ? payload : event;
            if (value === undefined) delete target[field];
            else target[field] = value;
          }
          const raw = JSON.stringify(event);
          const fast = parseLeadCreatedFast(raw);
          if (fast === null) return;
          const full = parse(raw);
          expect(full.ok ? full.event : full.errors).toEqual(fast);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('checks every constraint the contract declares for LeadCreated (fails when that schema changes: update the fast path)', () => {
    const constraints = (target: new () => object) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(target, '', true, false)
        .map((meta) => `${meta.propertyName}:${meta.name ?? meta.type}${meta.constraints?.length ? `(${meta.constraints.map(String).join(',')})` : ''}`)
        .sort();
    expect(constraints(LeadCreated)).toEqual([
      'clinicId:matches(/^[A-Za-z0-9_.:-]{1,100}$/,undefined)',
      'createdAt:isDateString(undefined)',
      'leadId:isUuid(undefined)',
      'packageId:matches(/^[A-Za-z0-9_.:-]{1,100}$/,undefined)',
      'packagePricePaise:isInt',
      'packagePricePaise:max(100000000000)',
      'packagePricePaise:min(0)',
      'source:isIn(marketplace,public_form,api)',
    ]);
  });
});
