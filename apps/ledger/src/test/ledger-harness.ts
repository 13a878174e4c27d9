import { randomUUID } from 'crypto';
import { AnyEvent, createEvent, eventHeaders, topicOf } from '@clinic/contracts';
import { TRANSPORT, Transport } from '@clinic/messaging';
import { Database, ServiceApp, createServiceApp, loadCommonConfig } from '@clinic/platform';
import { TestDatabase, createTestDatabase } from '@clinic/testing';
import { signToken } from '@clinic/auth';
import { createLogger } from '@clinic/observability';
import { LedgerEventBatch } from '../account/event-batch';
import { LedgerConfig } from '../config';
import { CONSUMED_TOPICS, ledgerService } from '../service';

export interface LedgerHarness {
  svc: ServiceApp;
  db: Database;
  testDb: TestDatabase;
  config: LedgerConfig;
  batch: LedgerEventBatch;
  /** Publishes events on the service's transport (to this harness's topics), as the upstream services' relays would. */
  publish(events: AnyEvent[]): Promise<void>;
  token(role: 'clinic' | 'admin' | 'ops' | 'marketplace', clinicId?: string): string;
  /** Parsed JSON log lines written since start (info and above). */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * One ledger service per test file, on a database of its own (embedded transport unless
 * KAFKA_BROKERS is set). With `consume`, it consumes topics and a group of its own, so test files
 * (and other suites) sharing one broker never take each other's events.
 */
export async function startLedger(overrides: Partial<LedgerConfig> = {}, options: { consume?: boolean } = {}): Promise<LedgerHarness> {
  const suffix = randomUUID().slice(0, 8);
  const topicFor = (topic: string) => `${topic}.test-${suffix}`;
  const testDb = await createTestDatabase('ledger');
  const config: LedgerConfig = {
    ...loadCommonConfig('ledger', 'LEDGER_PORT', 0),
    databaseUrl: testDb.url,
    logLevel: 'silent',
    lowBalanceThreshold: 500,
    pendingWindowHours: 168,
    expirySweepSeconds: 0,
    ...overrides,
  };
  // Only a test that exercises the bus talks to a (shared) broker; the others keep their relay's
  // events in their own database instead of pouring them into the real ledger.v1.
  if (!options.consume) config.kafkaBrokers = undefined;
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('ledger', process.env.TEST_LOG_LEVEL ?? 'info', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const consume = options.consume ? { groupId: `ledger-test-${suffix}`, topics: CONSUMED_TOPICS.map(topicFor) } : false;
  const svc = await createServiceApp({ ...ledgerService(config, { consume }), logger });
  return {
    svc,
    db: svc.database,
    testDb,
    config,
    batch: svc.app.get(LedgerEventBatch),
    async publish(events) {
      const transport = svc.app.get<Transport>(TRANSPORT);
      await transport.ensureTopics([...new Set(events.map((event) => topicFor(topicOf(event.type))))]);
      await transport.publish(events.map((event) => ({ topic: topicFor(topicOf(event.type)), key: event.clinicId, value: JSON.stringify(event), headers: eventHeaders(event) })));
    },
    token: (role, clinicId) => signToken({ role, clinicId }, config.jwtSecret),
    logs,
    async close() {
      await svc.close();
      await testDb.drop();
    },
  };
}

export const upstream = {
  leadCreated(clinicId: string, options: { leadId?: string; packagePricePaise?: number } = {}) {
    return createEvent(
      'LeadCreated',
      {
        leadId: options.leadId ?? randomUUID(),
        clinicId,
        packageId: 'pkg-1',
        packagePricePaise: options.packagePricePaise ?? 100_000, // ₹1,000: tier T1, 100 credits
        source: 'marketplace',
        createdAt: new Date().toISOString(),
      },
      { producer: 'lead-intake', clinicId },
    );
  },
  paymentVerified(clinicId: string, credits: number, paymentId = `pay_${randomUUID().slice(0, 8)}`) {
    return createEvent(
      'PaymentVerified',
      { paymentId, orderId: `order_${paymentId}`, clinicId, credits, amountPaise: credits * 100, currency: 'INR', verifiedVia: 'webhook', verifiedAt: new Date().toISOString() },
      { producer: 'payments', clinicId },
    );
  },
  disputeApproved(clinicId: string, leadId: string, refundAmount: number, disputeId = randomUUID()) {
    return createEvent('DisputeApproved', { disputeId, clinicId, leadId, refundAmount, resolvedBy: 'admin:1' }, { producer: 'disputes', clinicId });
  },
};

/** Stream rows of a clinic, oldest first. */
export async function streamOf(db: Database, clinicId: string) {
  const { rows } = await db.query<{ transaction_type: string; amount: number; balance_after: number; lead_id: string | null; stream_version: number }>(
    'SELECT transaction_type, amount, balance_after, lead_id::text AS lead_id, stream_version FROM credit_transactions WHERE clinic_id = $1 ORDER BY stream_version',
    [clinicId],
  );
  return rows;
}

export async function balanceOf(db: Database, clinicId: string) {
  const { rows } = await db.query<{ balance: number; version: number; low_balance: boolean }>('SELECT balance, version, low_balance FROM clinic_balances WHERE clinic_id = $1', [clinicId]);
  return rows[0];
}

export async function outboxTypes(db: Database, clinicId: string): Promise<string[]> {
  const { rows } = await db.query<{ type: string }>(`SELECT payload->>'type' AS type FROM outbox WHERE key = $1 ORDER BY position`, [clinicId]);
  return rows.map((row) => row.type);
}
