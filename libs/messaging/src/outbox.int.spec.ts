import { Database } from '@clinic/platform';
import { createTestDatabase, TestDatabase, waitFor } from '@clinic/testing';
import { leadEvent, openSchema, outboxReady, quietLogger } from './contract/harness';
import { appendToOutbox, OutboxRelay } from './outbox';
import { messagingTablesSql } from './schema';
import { OutgoingMessage, Transport } from './transport';

function memoryTransport(): Transport & { sent: OutgoingMessage[]; ensured: string[] } {
  const sent: OutgoingMessage[] = [];
  const ensured: string[] = [];
  return {
    kind: 'embedded',
    sent,
    ensured,
    ensureTopics: async (topics) => void ensured.push(...topics),
    publish: async (messages) => void sent.push(...messages),
    subscribe: async () => ({ stop: async () => undefined }),
    isHealthy: async () => true,
    close: async () => undefined,
  };
}

describe('outbox and relay (real Postgres)', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('messaging_outbox');
    db = await openSchema(testDb.url, 'svc');
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE outbox');
  });

  it('creates its tables idempotently', async () => {
    await db.query(messagingTablesSql());
    await db.query(messagingTablesSql());
    const { rows } = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'svc' AND table_name IN ('outbox', 'inbox') ORDER BY 1`,
    );
    expect(rows.map((row) => row.table_name)).toEqual(['inbox', 'outbox']);
  });

  it('writes each event once with its topic, clinic key and envelope headers', async () => {
    const event = leadEvent('clinic-a', 1);
    await db.transaction((tx) => appendToOutbox(tx, [event]));
    await db.transaction((tx) => appendToOutbox(tx, [event]));
    const { rows } = await db.query('SELECT event_id, topic, key, payload, headers FROM outbox');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_id: event.eventId, topic: 'leads.v1', key: 'clinic-a', payload: event });
    expect(rows[0].headers).toMatchObject({ eventId: event.eventId, type: 'LeadCreated', clinicId: 'clinic-a' });
  });

  it('writes nothing when the state change rolls back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendToOutbox(tx, [leadEvent('clinic-a', 1)]);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    expect((await db.query('SELECT * FROM outbox')).rows).toHaveLength(0);
  });

  it('never skips a late-committing transaction and publishes in commit-safe order', async () => {
    const transport = memoryTransport();
    const relay = new OutboxRelay({ db, transport, logger: quietLogger });
    const early = leadEvent('clinic-a', 1);
    const late = leadEvent('clinic-a', 2);
    const slow = await db.pool.connect();
    try {
      await slow.query('BEGIN');
      await appendToOutbox(slow, [early]); // position 1, transaction still open
      await db.transaction((tx) => appendToOutbox(tx, [late])); // position 2, committed
      // The committed row waits: an older transaction could still commit rows before it.
      expect(await relay.relayOnce()).toBe(0);
      expect(await relay.backlog()).toBe(1); // the open transaction's row is not visible yet
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    await outboxReady(db);
    expect(await relay.relayOnce()).toBe(2);
    expect(transport.sent.map((message) => JSON.parse(message.value).eventId)).toEqual([early.eventId, late.eventId]);
    expect(transport.ensured).toContain('leads.v1');
    expect(await relay.backlog()).toBe(0);
  });

  it('lets only one relay publish a batch at a time', async () => {
    await db.transaction((tx) => appendToOutbox(tx, [leadEvent('clinic-a', 1), leadEvent('clinic-a', 2)]));
    await outboxReady(db);
    const transport = memoryTransport();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blocking: Transport = { ...transport, publish: async (messages) => { await gate; await transport.publish(messages); } };
    const first = new OutboxRelay({ db, transport: blocking, logger: quietLogger }).relayOnce();
    await waitFor(async () => (await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted`)).rows.length > 0, {
      description: 'the first relay to hold the lock',
    });
    expect(await new OutboxRelay({ db, transport, logger: quietLogger }).relayOnce()).toBe(0);
    release();
    expect(await first).toBe(2);
    expect(transport.sent).toHaveLength(2);
  });

  it('wakes up on NOTIFY within milliseconds, well before its fallback poll', async () => {
    const transport = memoryTransport();
    const relay = new OutboxRelay({ db, transport, logger: quietLogger, pollIntervalMs: 60_000 });
    await relay.start();
    try {
      await waitFor(() => true);
      const started = Date.now();
      await db.transaction((tx) => appendToOutbox(tx, [leadEvent('clinic-a', 1)]));
      await waitFor(() => transport.sent.length === 1, { timeoutMs: 5000, description: 'the relay to publish' });
      expect(Date.now() - started).toBeLessThan(2000);
      await waitFor(async () => (await relay.backlog()) === 0, { description: 'the row to be marked published' });
    } finally {
      await relay.stop();
    }
  });
});
