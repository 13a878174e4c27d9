import { Database } from '@clinic/platform';
import { createTestDatabase, TestDatabase } from '@clinic/testing';
import { AnyEvent } from '@clinic/contracts';
import { EventConsumer, EventHandler } from './consumer';
import { leadEvent, openSchema, quietLogger, recordEffect } from './contract/harness';
import { IncomingMessage, OutgoingMessage, Transport } from './transport';

function memoryTransport(): Transport & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    kind: 'embedded',
    sent,
    ensureTopics: async () => undefined,
    publish: async (messages) => void sent.push(...messages),
    subscribe: async () => ({ stop: async () => undefined }),
    isHealthy: async () => true,
    close: async () => undefined,
  };
}

let offset = 0;
const message = (event: AnyEvent | string): IncomingMessage => ({
  topic: 'leads.v1',
  partition: 0,
  offset: String(++offset),
  key: typeof event === 'string' ? null : event.clinicId,
  value: typeof event === 'string' ? event : JSON.stringify(event),
  headers: {},
});

describe('EventConsumer (real Postgres, in-memory transport)', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('messaging_consumer');
    db = await openSchema(testDb.url, 'svc');
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE outbox, inbox, effects');
  });

  const consumer = (handle: EventHandler, transport = memoryTransport()) =>
    ({ transport, consumer: new EventConsumer({ db, transport, groupId: 'g', topics: ['leads.v1'], handle, logger: quietLogger, backoffMs: 5 }) });
  const effects = async () => (await db.query<{ seq: number }>('SELECT seq FROM effects ORDER BY id')).rows.map((row) => row.seq);

  it('applies a large transport batch in transactions of at most maxEventsPerTransaction events, in order', async () => {
    const transport = memoryTransport();
    const txids = new Set<string>();
    const capped = new EventConsumer({
      db, transport, groupId: 'g', topics: ['leads.v1'], logger: quietLogger, maxEventsPerTransaction: 2,
      handle: async (event, ctx) => {
        txids.add((await ctx.tx.query<{ id: string }>('SELECT pg_current_xact_id()::text AS id')).rows[0].id);
        await recordEffect(ctx.tx, event, 'test');
      },
    });
    await capped.handleBatch([1, 2, 3, 4, 5].map((seq) => message(leadEvent('c1', seq))));
    expect(await effects()).toEqual([1, 2, 3, 4, 5]);
    expect(txids.size).toBe(3);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0].n).toBe(5);
  });

  it('retries a transient failure and applies the event once, without a DLQ entry', async () => {
    let calls = 0;
    const { consumer: c, transport } = consumer(async (event, ctx) => {
      calls++;
      await recordEffect(ctx.tx, event, 'test');
      if (calls < 3) throw new Error('deadlock detected (simulated)');
    });
    await c.handleBatch([message(leadEvent('c1', 1)), message(leadEvent('c1', 2))]);
    expect(await effects()).toEqual([1, 2]);
    expect(transport.sent).toHaveLength(0);
  });

  it('isolates the poison event of a batch: the others are applied in order, the poison goes to the DLQ once', async () => {
    const poison = leadEvent('c1', 2, 'poison');
    const { consumer: c, transport } = consumer((event, ctx) => recordEffect(ctx.tx, event, 'test'));
    const batch = [message(leadEvent('c1', 1)), message(poison), message(leadEvent('c1', 3))];
    await c.handleBatch(batch);
    expect(await effects()).toEqual([1, 3]);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]).toMatchObject({ topic: 'leads.v1.dlq', key: 'c1', value: batch[1].value });
    expect(transport.sent[0].headers).toMatchObject({ 'dlq-reason': 'handler-failed', 'dlq-original-offset': batch[1].offset, 'dlq-attempts': '6' });
    expect(transport.sent[0].headers['dlq-error']).toContain('poison pill');
    // Redelivery of the whole batch: nothing applied twice, the poison is not dead-lettered again.
    await c.handleBatch(batch);
    expect(await effects()).toEqual([1, 3]);
    expect(transport.sent).toHaveLength(1);
  });

  it('sends invalid messages straight to the DLQ with the reasons', async () => {
    const { consumer: c, transport } = consumer((event, ctx) => recordEffect(ctx.tx, event, 'test'));
    const bad = JSON.stringify({ ...leadEvent('c1', 1), clinicId: 'not a valid id!' });
    await c.handleBatch([message('[broken'), message(bad), message(leadEvent('c1', 2))]);
    expect(await effects()).toEqual([2]);
    expect(transport.sent.map((m) => m.headers['dlq-reason'])).toEqual(['invalid', 'invalid']);
    expect(transport.sent[0].headers['dlq-error']).toContain('not valid JSON');
    expect(transport.sent[1].headers['dlq-error']).toContain('clinicId');
    expect(transport.sent[0].key).toBe('');
  });

  it('runs beforeCommit flushes and emits events in the batch transaction', async () => {
    const { consumer: c } = consumer(async (event, ctx) => {
      const seen = (ctx.batch.state.get('seen') as number[] | undefined) ?? [];
      if (seen.length === 0) {
        ctx.batch.state.set('seen', seen);
        ctx.batch.beforeCommit(async () => {
          await ctx.tx.query(`INSERT INTO effects (event_id, clinic_id, seq, handled_by) VALUES (gen_random_uuid(), 'flush', $1, 'flush')`, [seen.length]);
        });
      }
      seen.push(event.type === 'LeadCreated' ? event.payload.packagePricePaise : 0);
      await ctx.emit(leadEvent(event.clinicId, 100 + seen.length));
    });
    await c.handleBatch([message(leadEvent('c1', 1)), message(leadEvent('c1', 2))]);
    expect(await effects()).toEqual([2]); // one flush for the batch, seeing both events
    expect((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(2);
  });

  it('rolls back emitted events with the failed handler', async () => {
    const { consumer: c } = consumer(async (event, ctx) => {
      await ctx.emit(leadEvent(event.clinicId, 7));
      throw new Error('rejected');
    });
    await c.handleBatch([message(leadEvent('c1', 1))]);
    expect((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);
    expect((await db.query(`SELECT outcome FROM inbox`)).rows).toEqual([{ outcome: 'dead-lettered' }]);
  });

  it('does not dead-letter when the database is unreachable: the batch fails for redelivery', async () => {
    const transport = memoryTransport();
    const broken = Object.assign(Object.create(Object.getPrototypeOf(db)) as Database, db, { ping: async () => false });
    const c = new EventConsumer({ db: broken, transport, groupId: 'g', topics: ['leads.v1'], logger: quietLogger, backoffMs: 1, handle: async () => {
      throw new Error('connection terminated');
    } });
    await expect(c.handleBatch([message(leadEvent('c1', 1))])).rejects.toThrow('connection terminated');
    expect(transport.sent).toHaveLength(0);
    expect((await db.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n).toBe(0);
  });
});
