import { Controller, Global, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Event } from '@clinic/contracts';
import { Database, LOGGER, SERVICE_CONFIG } from '@clinic/platform';
import { HealthRegistry } from '@clinic/observability';
import { createTestDatabase, kafkaBrokers, TestDatabase, uniqueTopicName, waitFor } from '@clinic/testing';
import { EventContext } from '../consumer';
import { leadEvent, openSchema, quietLogger, recordEffect } from '../contract/harness';
import { appendToOutbox } from '../outbox';
import { IncomingMessage, Transport } from '../transport';
import { connectEventBus, MessagingModule } from './messaging.module';
import { TRANSPORT } from './tokens';

@Controller()
class LeadHandlers {
  @EventPattern('LeadCreated')
  async onLeadCreated(@Payload() event: Event<'LeadCreated'>, @Ctx() ctx: EventContext) {
    await recordEffect(ctx.tx, event as never, 'nest');
    if (event.payload.packageId === 'emit') {
      ctx.batch.beforeCommit(async () => ctx.emit(leadEvent(event.clinicId, 99)));
    }
  }
}

describe.each(['kafka', 'embedded'] as const)('MessagingModule + EventBusServer on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let app: INestApplication;
  let topic: string;
  const health = new HealthRegistry();

  beforeAll(async () => {
    const brokers = kind === 'kafka' ? kafkaBrokers() : undefined;
    testDb = await createTestDatabase(`messaging_nest_${kind}`);
    db = await openSchema(testDb.url, 'svc');
    topic = uniqueTopicName('nest');

    @Global()
    @Module({
      providers: [
        { provide: Database, useValue: db },
        { provide: HealthRegistry, useValue: health },
        { provide: LOGGER, useValue: quietLogger },
        { provide: SERVICE_CONFIG, useValue: { kafkaBrokers: brokers, eventLogDatabaseUrl: undefined, databaseUrl: testDb.url, kafkaPartitions: 3 } },
      ],
      exports: [Database, HealthRegistry, SERVICE_CONFIG, LOGGER],
    })
    class PlatformStub {}

    @Module({
      imports: [PlatformStub, MessagingModule.forRoot({ service: 'nest-test', consume: { groupId: uniqueTopicName('nest-group'), topics: [topic] }, backoffMs: 10 })],
      controllers: [LeadHandlers],
    })
    class Root {}

    app = await NestFactory.create(Root, { logger: false });
    await connectEventBus(app);
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb?.drop();
  });

  const effectOf = async (eventId: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [eventId])).rows[0].n;

  it(`provides a ${kind} transport and a broker readiness check`, async () => {
    expect(app.get<Transport>(TRANSPORT).kind).toBe(kind);
    await expect(health.run()).resolves.toMatchObject({ ready: true, checks: { broker: 'up' } });
  });

  it('relays the outbox on its own and dispatches events to @EventPattern handlers once', async () => {
    const event = leadEvent('clinic-n', 1, kind === 'embedded' ? 'emit' : 'pkg');
    await db.transaction((tx) => appendToOutbox(tx, [event], { topic }));
    await waitFor(async () => (await effectOf(event.eventId)) === 1, { timeoutMs: 30_000, description: 'the handler effect' });
    await app.get<Transport>(TRANSPORT).publish([{ topic, key: event.clinicId, value: JSON.stringify(event), headers: {} }]);
    const sentinel = leadEvent('clinic-n', 2);
    await db.transaction((tx) => appendToOutbox(tx, [sentinel], { topic }));
    await waitFor(async () => (await effectOf(sentinel.eventId)) === 1, { timeoutMs: 30_000, description: 'the sentinel effect' });
    expect(await effectOf(event.eventId)).toBe(1);
    if (kind === 'embedded') {
      // The handler's emit landed in the outbox in the same transaction (and the relay published it).
      const { rows } = await db.query(`SELECT payload->'payload'->>'packagePricePaise' AS seq FROM outbox WHERE topic = 'leads.v1'`);
      expect(rows).toEqual([{ seq: '99' }]);
    }
  });

  it("dead-letters a handler's failure with the handler's own error message", async () => {
    const poison = leadEvent('clinic-n', 3, 'poison');
    const after = leadEvent('clinic-n', 4);
    await db.transaction((tx) => appendToOutbox(tx, [poison, after], { topic }));
    await waitFor(async () => (await effectOf(after.eventId)) === 1, { timeoutMs: 30_000, description: 'the event after the poison' });
    const seen: IncomingMessage[] = [];
    const subscription = await app.get<Transport>(TRANSPORT).subscribe({
      groupId: uniqueTopicName('nest-dlq'),
      topics: [`${topic}.dlq`],
      handleBatch: async (batch) => void seen.push(...batch),
    });
    try {
      await waitFor(() => seen.length >= 1, { timeoutMs: 30_000, description: 'the DLQ message' });
    } finally {
      await subscription.stop();
    }
    expect(JSON.parse(seen[0].value).eventId).toBe(poison.eventId);
    expect(seen[0].headers['dlq-error']).toContain('poison pill');
    expect(await effectOf(poison.eventId)).toBe(0);
  });
});
