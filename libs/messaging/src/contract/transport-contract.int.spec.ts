import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { createInterface } from 'readline';
import { Database } from '@clinic/platform';
import { createTestDatabase, kafkaBrokers, TestDatabase, uniqueTopicName, waitFor } from '@clinic/testing';
import { EventConsumer } from '../consumer';
import { appendToOutbox, OutboxRelay } from '../outbox';
import { IncomingMessage, Transport } from '../transport';
import { asMessage, ChildConfig, leadEvent, makeTransport, openSchema, outboxReady, POISON, quietLogger, recordEffect, tapTransport, TransportKind } from './harness';

/**
 * The messaging contract, run against both transports on real infrastructure (the test Postgres
 * and the Kafka broker named by KAFKA_BROKERS). Every assertion is on database rows.
 */
const REPO_ROOT = path.resolve(__dirname, '../../../..');
let schemaCounter = 0;

describe.each<TransportKind>(['kafka', 'embedded'])('messaging contract on the %s transport', (kind) => {
  let testDb: TestDatabase;
  let brokers: string[] = [];
  let transport: Transport;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    if (kind === 'kafka') brokers = kafkaBrokers(); // throws with setup instructions when unset
    testDb = await createTestDatabase(`messaging_${kind}`);
    transport = makeTransport(kind, brokers, testDb.url, `contract-${kind}`);
  });

  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  });

  afterAll(async () => {
    await transport?.close();
    await testDb?.drop();
  });

  async function schema(prefix: string): Promise<Database> {
    const db = await openSchema(testDb.url, `${prefix}_${kind}_${++schemaCounter}`);
    cleanups.push(() => db.close());
    return db;
  }

  async function consume(db: Database, topic: string, groupId: string, tap?: (batch: IncomingMessage[]) => void, handledBy = 'parent'): Promise<EventConsumer> {
    const consumer = new EventConsumer({
      db,
      transport: tap ? tapTransport(transport, { onDelivered: tap }) : transport,
      groupId,
      topics: [topic],
      logger: quietLogger,
      backoffMs: 20,
      handle: (event, ctx) => recordEffect(ctx.tx, event, handledBy),
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());
    return consumer;
  }

  const count = async (db: Database, sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0].n;
  const effects = (db: Database) => count(db, 'SELECT count(*)::int AS n FROM effects');
  const maxEffectsPerEvent = (db: Database) => count(db, 'SELECT coalesce(max(c), 0)::int AS n FROM (SELECT count(*) AS c FROM effects GROUP BY event_id) t');

  /** Reads `<topic>.dlq` with a fresh group until `expected` messages arrived. */
  async function readDlq(topic: string, expected: number): Promise<IncomingMessage[]> {
    const seen: IncomingMessage[] = [];
    const subscription = await transport.subscribe({
      groupId: uniqueTopicName('dlq-reader'),
      topics: [`${topic}.dlq`],
      handleBatch: async (batch) => void seen.push(...batch),
    });
    try {
      await waitFor(() => seen.length >= expected, { timeoutMs: 30_000, description: `${expected} DLQ messages on ${topic}.dlq` });
    } finally {
      await subscription.stop();
    }
    return seen;
  }

  function spawnChild(script: string, config: ChildConfig): { child: ChildProcess; next: (key: string) => Promise<Record<string, unknown>>; kill: () => void } {
    const child = spawn('npx', ['tsx', path.join(__dirname, script)], {
      cwd: REPO_ROOT,
      env: { ...process.env, CHILD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: SIGKILL reaches tsx's node process, not only npx
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line));
      } catch {
        // not one of ours
      }
    });
    let exited = false;
    child.on('exit', () => (exited = true));
    const kill = () => {
      if (!exited && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    cleanups.push(async () => kill());
    const next = (key: string) =>
      waitFor(
        () => {
          const error = lines.find((line) => 'error' in line);
          if (error) throw new Error(`child failed: ${String(error.error)}`);
          if (exited && !lines.some((line) => key in line)) throw new Error(`child exited: ${stderr.slice(-2000)}`);
          return lines.find((line) => key in line);
        },
        { timeoutMs: 45_000, description: `child ${script} to report "${key}"` },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nchild stderr: ${stderr.slice(-2000)}`);
      });
    return { child, next, kill };
  }

  async function waitForExit(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve));
  }

  it('keeps per-key order across many keys (outbox → relay → consumer), each event applied once', async () => {
    const topic = uniqueTopicName('contract.order');
    const producer = await schema('producer');
    const consumerDb = await schema('consumer');
    const relay = new OutboxRelay({ db: producer, transport, logger: quietLogger, batchSize: 50 });
    await relay.start();
    cleanups.push(() => relay.stop());
    await consume(consumerDb, topic, uniqueTopicName('order-group'));

    const clinics = Array.from({ length: 12 }, (_, i) => `clinic-${i}`);
    const perClinic = 10;
    // Clinics write concurrently, each clinic's events in its own sequence of transactions.
    await Promise.all(
      clinics.map(async (clinicId) => {
        for (let seq = 1; seq <= perClinic; seq++) {
          await producer.transaction((tx) => appendToOutbox(tx, [leadEvent(clinicId, seq)], { topic }));
        }
      }),
    );
    const total = clinics.length * perClinic;
    await waitFor(async () => (await effects(consumerDb)) >= total, { timeoutMs: 30_000, description: `${total} effects` });

    expect(await effects(consumerDb)).toBe(total);
    expect(await maxEffectsPerEvent(consumerDb)).toBe(1);
    const { rows } = await consumerDb.query<{ clinic_id: string; seqs: number[] }>(
      'SELECT clinic_id, array_agg(seq ORDER BY id) AS seqs FROM effects GROUP BY clinic_id ORDER BY clinic_id',
    );
    expect(rows).toHaveLength(clinics.length);
    for (const row of rows) expect(row.seqs).toEqual(Array.from({ length: perClinic }, (_, i) => i + 1));
    expect(await relay.backlog()).toBe(0);
  });

  it('applies a redelivered event once (republished by the relay, and duplicated inside one batch)', async () => {
    const topic = uniqueTopicName('contract.redeliver');
    const producer = await schema('producer');
    const consumerDb = await schema('consumer');
    const relay = new OutboxRelay({ db: producer, transport, logger: quietLogger });
    const delivered: string[] = [];
    await consume(consumerDb, topic, uniqueTopicName('redeliver-group'), (batch) => delivered.push(...batch.map((m) => JSON.parse(m.value).eventId)));

    const first = leadEvent('clinic-r', 1);
    const second = leadEvent('clinic-r', 2);
    await producer.transaction((tx) => appendToOutbox(tx, [first, second], { topic }));
    await outboxReady(producer);
    expect(await relay.relayOnce()).toBe(2);
    await waitFor(async () => (await effects(consumerDb)) === 2, { description: 'both effects' });

    // The relay publishes `first` again (as after a crash before marking), and a batch carries a duplicate.
    await producer.query('UPDATE outbox SET published_at = NULL WHERE event_id = $1', [first.eventId]);
    await outboxReady(producer);
    expect(await relay.relayOnce()).toBe(1);
    const third = leadEvent('clinic-r', 3);
    await transport.publish([asMessage(topic, second), asMessage(topic, third), asMessage(topic, third)]);
    const sentinel = leadEvent('clinic-r', 4);
    await producer.transaction((tx) => appendToOutbox(tx, [sentinel], { topic }));
    await outboxReady(producer);
    expect(await relay.relayOnce()).toBe(1);
    await waitFor(async () => (await count(consumerDb, 'SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [sentinel.eventId])) === 1, {
      description: 'the sentinel effect',
    });

    expect(delivered.filter((id) => id === first.eventId)).toHaveLength(2);
    expect(delivered.filter((id) => id === third.eventId)).toHaveLength(2);
    expect(await effects(consumerDb)).toBe(4);
    expect(await maxEffectsPerEvent(consumerDb)).toBe(1);
    expect(await count(consumerDb, 'SELECT count(*)::int AS n FROM inbox')).toBe(4);
  });

  it('sends a poison event and invalid messages to the DLQ with the error, and later events still flow', async () => {
    const topic = uniqueTopicName('contract.poison');
    const consumerDb = await schema('consumer');
    const groupId = uniqueTopicName('poison-group');
    await consume(consumerDb, topic, groupId);

    const before = leadEvent('clinic-p', 1);
    const poison = leadEvent('clinic-p', 2, POISON);
    const after = leadEvent('clinic-p', 3);
    await transport.publish([
      asMessage(topic, before),
      { topic, key: 'clinic-p', value: '{not json', headers: {} },
      asMessage(topic, poison),
      { topic, key: 'clinic-p', value: JSON.stringify({ type: 'LeadCreated', payload: {} }), headers: {} },
      asMessage(topic, after),
    ]);
    await waitFor(async () => (await count(consumerDb, 'SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [after.eventId])) === 1, {
      timeoutMs: 30_000,
      description: 'the event after the poison',
    });
    const later = leadEvent('clinic-p', 4);
    await transport.publish([asMessage(topic, later)]);
    await waitFor(async () => (await count(consumerDb, 'SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [later.eventId])) === 1, {
      description: 'an event published after the poison was dead-lettered',
    });

    const { rows } = await consumerDb.query<{ seq: number }>('SELECT seq FROM effects ORDER BY id');
    expect(rows.map((row) => row.seq)).toEqual([1, 3, 4]);
    expect(await count(consumerDb, `SELECT count(*)::int AS n FROM inbox WHERE event_id = $1 AND outcome = 'dead-lettered'`, [poison.eventId])).toBe(1);

    const dlq = await readDlq(topic, 3);
    expect(dlq).toHaveLength(3);
    const poisoned = dlq.find((message) => message.headers['dlq-reason'] === 'handler-failed')!;
    expect(JSON.parse(poisoned.value).eventId).toBe(poison.eventId);
    expect(poisoned.headers['dlq-error']).toContain('poison pill');
    expect(poisoned.headers['dlq-original-topic']).toBe(topic);
    expect(poisoned.headers['dlq-consumer-group']).toBe(groupId);
    expect(poisoned.headers['dlq-original-offset']).toMatch(/^\d+$/);
    const invalid = dlq.filter((message) => message.headers['dlq-reason'] === 'invalid');
    expect(invalid.map((message) => message.value).sort()).toEqual(['{not json', JSON.stringify({ type: 'LeadCreated', payload: {} })].sort());
    expect(invalid.find((message) => message.value === '{not json')!.headers['dlq-error']).toContain('not valid JSON');
    expect(invalid.find((message) => message.value !== '{not json')!.headers['dlq-error']).toContain('eventId');
  });

  it('delivers a batch again when its handler throws (infrastructure failure), then moves on', async () => {
    const topic = uniqueTopicName('contract.rethrow');
    await transport.ensureTopics([topic]);
    const events = [leadEvent('clinic-t', 1), leadEvent('clinic-t', 2)];
    await transport.publish(events.map((event) => asMessage(topic, event)));
    let failures = 0;
    const handled: string[] = [];
    const subscription = await transport.subscribe({
      groupId: uniqueTopicName('rethrow-group'),
      topics: [topic],
      handleBatch: async (batch) => {
        if (failures < 2) {
          failures++;
          throw new Error('database unavailable (simulated)');
        }
        handled.push(...batch.map((m) => JSON.parse(m.value).eventId));
      },
    });
    cleanups.push(() => subscription.stop());
    await waitFor(() => handled.length >= 2, { timeoutMs: 30_000, description: 'the batch to be delivered again' });
    expect(failures).toBe(2);
    expect(handled.slice(0, 2)).toEqual(events.map((event) => event.eventId));
    const later = leadEvent('clinic-t', 3);
    await transport.publish([asMessage(topic, later)]);
    await waitFor(() => handled.includes(later.eventId), { timeoutMs: 30_000, description: 'a later message' });
  });

  it('a consumer killed after its DB commit and before its offset commit causes no second effect', async () => {
    const topic = uniqueTopicName('contract.killconsumer');
    const groupId = uniqueTopicName('kill-consumer-group');
    const consumerDb = await schema('consumer');
    await transport.ensureTopics([topic]);
    const events = Array.from({ length: 20 }, (_, i) => leadEvent('clinic-k', i + 1));
    await transport.publish(events.map((event) => asMessage(topic, event)));

    const { child, next, kill } = spawnChild('consumer.child.ts', {
      kind, brokers, eventLogUrl: testDb.url, dbUrl: testDb.url, schema: consumerDb.schema, topic, groupId,
    });
    const { committed } = (await next('committed')) as { committed: string[] };
    expect(committed.length).toBeGreaterThan(0);
    expect(await effects(consumerDb)).toBe(committed.length); // the DB transaction did commit
    kill();
    await waitForExit(child);

    const delivered: string[] = [];
    await consume(consumerDb, topic, groupId, (batch) => delivered.push(...batch.map((m) => JSON.parse(m.value).eventId)));
    const sentinel = leadEvent('clinic-k', 21);
    await transport.publish([asMessage(topic, sentinel)]);
    await waitFor(async () => (await effects(consumerDb)) >= events.length + 1, { timeoutMs: 45_000, description: 'every effect after the restart' });

    // The committed batch was delivered again (its offsets were never committed) ...
    expect(committed.every((id) => delivered.includes(id))).toBe(true);
    // ... and the inbox made the redelivery a no-op.
    expect(await effects(consumerDb)).toBe(events.length + 1);
    expect(await maxEffectsPerEvent(consumerDb)).toBe(1);
    expect(await count(consumerDb, `SELECT count(*)::int AS n FROM effects WHERE handled_by = 'child'`)).toBe(committed.length);
  });

  it('a relay killed mid-batch loses nothing: every event arrives and is applied once', async () => {
    const topic = uniqueTopicName('contract.killrelay');
    const producer = await schema('producer');
    const consumerDb = await schema('consumer');
    await transport.ensureTopics([topic]);
    const events = Array.from({ length: 40 }, (_, i) => leadEvent(`clinic-${i % 4}`, Math.floor(i / 4) + 1));
    await producer.transaction((tx) => appendToOutbox(tx, events, { topic }));

    const { child, next, kill } = spawnChild('relay.child.ts', {
      kind, brokers, eventLogUrl: testDb.url, dbUrl: testDb.url, schema: producer.schema, topic, batchSize: events.length,
    });
    const { partial } = (await next('partial')) as { partial: string[] };
    expect(partial).toHaveLength(events.length / 2);
    kill();
    await waitForExit(child);
    // Nothing was marked published: the child's transaction died with it.
    await waitFor(async () => (await count(producer, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === events.length, {
      description: 'the outbox to still hold the whole batch',
    });

    const delivered: string[] = [];
    await consume(consumerDb, topic, uniqueTopicName('kill-relay-group'), (batch) => delivered.push(...batch.map((m) => JSON.parse(m.value).eventId)));
    const relay = new OutboxRelay({ db: producer, transport, logger: quietLogger });
    await relay.start();
    cleanups.push(() => relay.stop());
    await waitFor(async () => (await effects(consumerDb)) >= events.length, { timeoutMs: 45_000, description: `${events.length} effects` });
    await waitFor(async () => delivered.length >= events.length + partial.length, { description: 'the republished half to arrive too' });

    expect(await effects(consumerDb)).toBe(events.length);
    expect(await maxEffectsPerEvent(consumerDb)).toBe(1);
    expect(await relay.backlog()).toBe(0);
    const { rows } = await consumerDb.query<{ clinic_id: string; seqs: number[] }>('SELECT clinic_id, array_agg(seq ORDER BY id) AS seqs FROM effects GROUP BY clinic_id');
    for (const row of rows) expect(row.seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });
});
