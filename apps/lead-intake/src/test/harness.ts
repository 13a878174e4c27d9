import { Writable } from 'stream';
import supertest from 'supertest';
import { signToken } from '@clinic/auth';
import { AnyEvent, TOPICS } from '@clinic/contracts';
import { appendToOutbox } from '@clinic/messaging';
import { createLogger } from '@clinic/observability';
import { createServiceApp, loadCommonConfig, ServiceApp } from '@clinic/platform';
import { createTestDatabase, kafkaConfigured, startGroupsAtTheEnd, TestDatabase } from '@clinic/testing';
import { LeadIntakeSettings } from '../config';
import { leadIntakeService } from '../service';

export interface LeadIntakeHarness {
  svc: ServiceApp;
  db: TestDatabase;
  /** Unique to this instance: ids built from it cannot collide with a concurrent run on a shared broker. */
  runId: string;
  http: () => ReturnType<typeof supertest>;
  /** Every log line the service wrote, as text. */
  logs: string[];
  tokens: { marketplace: string; clinic: (clinicId: string) => string; admin: string };
  close(): Promise<void>;
}

/** One lead-intake instance per test file, on a database of its own, logging into `logs`. */
export async function startLeadIntake(settings: Partial<LeadIntakeSettings> = {}): Promise<LeadIntakeHarness> {
  const db = await createTestDatabase('lead_intake');
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } });
  const config = { ...loadCommonConfig('lead-intake', 'LEAD_INTAKE_PORT', 0), databaseUrl: db.url, logLevel: 'info' as const };
  const consumerGroup = `lead-intake-test-${db.name}`;
  if (config.kafkaBrokers) await startGroupAtTheEnd(consumerGroup, config.kafkaPartitions);
  // X-Forwarded-For from the test client stands in for distinct patients' addresses.
  const svc = await createServiceApp({
    ...leadIntakeService({ ...config, trustProxy: 'loopback', consumerGroup, ...settings }),
    logger: createLogger('lead-intake', 'info', sink),
  });
  const secret = config.jwtSecret;
  return {
    svc,
    db,
    runId: db.name.slice(-10),
    logs,
    http: () => supertest(svc.app.getHttpServer()),
    tokens: {
      marketplace: signToken({ role: 'marketplace' }, secret),
      admin: signToken({ role: 'admin' }, secret),
      clinic: (clinicId) => signToken({ role: 'clinic', clinicId }, secret),
    },
    async close() {
      await svc.close();
      await db.drop();
    },
  };
}

/**
 * On a shared broker, test files (and other suites) run lead-intake side by side: each gets a
 * consumer group of its own, so none steals another's partitions, starting at the topics' current
 * end, so it does not replay every earlier run's events. Events of other files still arrive; they
 * name leads and packages this file's database does not know and are ignored or dead-lettered.
 */
async function startGroupAtTheEnd(groupId: string, partitions: number): Promise<void> {
  if (!kafkaConfigured()) return;
  await startGroupsAtTheEnd([groupId], [TOPICS.marketplaceLeads, TOPICS.ledger], { partitions });
}

let ipCounter = 0;
/** A client address no other request of the run used. */
export const freshIp = (): string => {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

let phoneCounter = 0;
/** A valid Indian mobile number no other test used, as E.164. */
export const freshPhone = (): string => `+9198${String(process.pid % 1000).padStart(3, '0')}${String(++phoneCounter).padStart(5, '0')}`;

export async function countRows(svc: ServiceApp, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await svc.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params);
  return rows[0].n;
}

/** Puts events on the bus as another service would: through an outbox, relayed to their topic. */
export async function publish(svc: ServiceApp, events: AnyEvent[]): Promise<void> {
  await appendToOutbox(svc.database, events);
}

export async function leadStatus(svc: ServiceApp, leadId: string): Promise<string | undefined> {
  const { rows } = await svc.database.query<{ status: string }>('SELECT status FROM leads WHERE lead_id = $1', [leadId]);
  return rows[0]?.status;
}
