// Test harness for the disputes service: one real service per test file on its own database,
// charges and refunds fed through the real ledger-events handler in a real transaction, logs
// captured, and tokens for every role.
import { randomUUID } from 'crypto';
import supertest from 'supertest';
import { createEvent, Event } from '@clinic/contracts';
import { signToken, Role } from '@clinic/auth';
import { createLogger } from '@clinic/observability';
import { createServiceApp, loadCommonConfig, ServiceApp } from '@clinic/platform';
import { createTestDatabase, TestDatabase } from '@clinic/testing';
import { DisputesConfig } from '../config';
import { LedgerEventsHandler } from '../ledger-events/ledger-events.handler';
import { disputesService } from '../service';

export interface DisputesHarness {
  svc: ServiceApp;
  http: () => supertest.Agent;
  token(role: Role, clinicId?: string): string;
  logs: Array<Record<string, any>>;
  charge(options: { clinicId: string; credits?: number; chargedAt?: Date; leadId?: string }): Promise<Event<'CreditsDeducted'>>;
  refund(options: { disputeId: string; leadId: string; clinicId: string; credits: number; transactionId?: string }): Promise<Event<'CreditsRefunded'>>;
  outbox(type?: string): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

export async function startDisputes(overrides: Partial<DisputesConfig> = {}): Promise<DisputesHarness> {
  const db: TestDatabase = await createTestDatabase('disputes');
  const logs: Array<Record<string, any>> = [];
  const logger = createLogger('disputes', 'info', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const config: DisputesConfig = {
    ...loadCommonConfig('disputes', 'DISPUTES_PORT', 0),
    databaseUrl: db.url,
    kafkaBrokers: undefined,
    logLevel: 'silent',
    disputeWindowDays: 7,
    consumerGroup: 'disputes',
    ...overrides,
  };
  const svc = await createServiceApp({ ...disputesService(config), logger });
  const handler = svc.app.get(LedgerEventsHandler);
  const server = svc.app.getHttpServer();

  return {
    svc,
    logs,
    http: () => supertest.agent(server),
    token: (role, clinicId) => signToken({ role, clinicId, subject: `${role}:${clinicId ?? 'test'}` }, config.jwtSecret),
    async charge({ clinicId, credits = 200, chargedAt = new Date(), leadId = randomUUID() }) {
      const event = createEvent(
        'CreditsDeducted',
        { transactionId: randomUUID(), leadId, clinicId, credits, balanceAfter: 1000, streamVersion: 2, tier: 'T3', pricingVersion: 1, packagePricePaise: 2_000_000, chargedAt: chargedAt.toISOString() },
        { producer: 'ledger', clinicId },
      );
      await svc.database.transaction((tx) => handler.onCreditsDeducted(tx, event));
      return event;
    },
    async refund({ disputeId, leadId, clinicId, credits, transactionId = randomUUID() }) {
      const event = createEvent(
        'CreditsRefunded',
        { transactionId, clinicId, leadId, disputeId, credits, balanceAfter: 1000, streamVersion: 3 },
        { producer: 'ledger', clinicId },
      );
      await svc.database.transaction((tx) => handler.onCreditsRefunded(tx, event));
      return event;
    },
    async outbox(type) {
      const { rows } = await svc.database.query<{ payload: Record<string, any> }>(
        `SELECT payload FROM outbox WHERE ($1::text IS NULL OR payload->>'type' = $1) ORDER BY position`,
        [type ?? null],
      );
      return rows.map((row) => row.payload);
    },
    async close() {
      await svc.close();
      await db.drop();
    },
  };
}

export const DAY_MS = 24 * 3600_000;
export const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
