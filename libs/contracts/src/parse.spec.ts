import { createEvent, parse, topicOf, dlqTopic, EVENT_TYPES, TOPICS } from '.';

const deducted = () =>
  createEvent(
    'CreditsDeducted',
    {
      transactionId: '6f1c2f3e-1d2b-4c5a-9e8f-0a1b2c3d4e5f',
      leadId: '7a1c2f3e-1d2b-4c5a-9e8f-0a1b2c3d4e5f',
      clinicId: 'clinic-1',
      credits: 150,
      balanceAfter: 350,
      streamVersion: 3,
      tier: 'T2',
      pricingVersion: 1,
      packagePricePaise: 800_000,
      chargedAt: new Date().toISOString(),
    },
    { producer: 'ledger', clinicId: 'clinic-1' },
  );

describe('parse', () => {
  it('returns a typed event for a valid envelope, from JSON text or a Buffer', () => {
    const event = deducted();
    for (const raw of [JSON.stringify(event), Buffer.from(JSON.stringify(event)), event]) {
      const result = parse(raw);
      expect(result).toEqual({ ok: true, event });
    }
  });

  it('names every invalid field', () => {
    const event = deducted() as any;
    event.payload.credits = 1.5;
    event.payload.balanceAfter = -1;
    delete event.eventId;
    const result = parse(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.some((e) => e.startsWith('eventId:'))).toBe(true);
    event.eventId = '6f1c2f3e-1d2b-4c5a-9e8f-0a1b2c3d4e5f';
    const payloadResult = parse(event);
    expect(payloadResult.ok).toBe(false);
    if (payloadResult.ok) return;
    expect(payloadResult.errors.join('\n')).toMatch(/payload\.credits: .*integer/);
    expect(payloadResult.errors.join('\n')).toMatch(/payload\.balanceAfter: /);
  });

  it('rejects unknown types, newer schema versions and non-JSON', () => {
    expect(parse({ ...deducted(), type: 'Nope' }).ok).toBe(false);
    expect(parse({ ...deducted(), schemaVersion: 99 })).toEqual({ ok: false, errors: [expect.stringContaining('newer')] });
    expect(parse('{not json')).toEqual({ ok: false, errors: ['event: not valid JSON'] });
  });

  it('maps every event to a topic and every topic to its DLQ', () => {
    for (const type of EVENT_TYPES) expect(Object.values(TOPICS)).toContain(topicOf(type));
    expect(topicOf('LeadCreated')).toBe('leads.v1');
    expect(dlqTopic('ledger.v1')).toBe('ledger.v1.dlq');
  });
});
