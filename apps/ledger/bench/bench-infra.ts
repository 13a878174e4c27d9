import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DynamicModule, Provider } from '@nestjs/common';
import { AnyEvent, eventHeaders, topicOf } from '@clinic/contracts';
import {
  MESSAGING_OPTIONS, MessagingModule, MessagingModuleOptions, OutgoingMessage, SubscribeOptions, Subscription, TRANSPORT, Transport,
  createTransport,
} from '@clinic/messaging';
import { createLogger } from '@clinic/observability';
import { CommonConfig, SERVICE_CONFIG, ServiceApp, createServiceApp, loadCommonConfig, startEmbeddedPostgres } from '@clinic/platform';
import { createTestDatabase, freePort, testKafka } from '@clinic/testing';
import { LedgerConfig } from '../src/config';
import { ledgerService } from '../src/service';

export interface BenchDatabase {
  url: string;
  /** Where it came from, for the summary. */
  origin: string;
  /** The data directory when the bench started the server itself (to account its CPU), else null. */
  dataDir: string | null;
  dispose(): Promise<void>;
}

/** A fresh database: a new one on the DATABASE_URL server, else an embedded PostgreSQL of our own in a temp dir. */
export async function freshDatabase(): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) {
    const db = await createTestDatabase('ledger_bench');
    return { url: db.url, origin: `new database ${db.name} on DATABASE_URL's server`, dataDir: null, dispose: () => db.drop() };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-bench-pg-'));
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir, port, persistent: false });
  return {
    url: server.url,
    origin: `embedded PostgreSQL on 127.0.0.1:${port} (${dataDir})`,
    dataDir,
    dispose: async () => {
      await server.stop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A transport whose topics all live under a per-run prefix (`bench-<run>.leads.v1`, ...), so a
 * run never reads messages of earlier runs or of other engineers' tests on the shared broker, and
 * the ledger's relay does not flood the real `ledger.v1` that other services' tests consume.
 */
export class NamespacedTransport implements Transport {
  constructor(private readonly inner: Transport, readonly prefix: string) {}

  get kind(): Transport['kind'] {
    return this.inner.kind;
  }

  private named(topic: string): string {
    return topic.startsWith(this.prefix) ? topic : `${this.prefix}${topic}`;
  }

  ensureTopics(topics: string[]): Promise<void> {
    return this.inner.ensureTopics(topics.map((topic) => this.named(topic)));
  }

  publish(messages: OutgoingMessage[]): Promise<void> {
    return this.inner.publish(messages.map((message) => ({ ...message, topic: this.named(message.topic) })));
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe({ ...options, topics: options.topics.map((topic) => this.named(topic)) });
  }

  isHealthy(): Promise<boolean> {
    return this.inner.isHealthy();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export function namespacedTransport(clientId: string, config: CommonConfig, prefix: string): NamespacedTransport {
  return new NamespacedTransport(
    createTransport({
      clientId,
      kafkaBrokers: config.kafkaBrokers,
      eventLogDatabaseUrl: config.eventLogDatabaseUrl ?? config.databaseUrl,
      partitions: config.kafkaPartitions,
    }),
    prefix,
  );
}

/** Publishes events as the upstream services' relays would: topic by event type, key = clinicId. */
export function toMessages(events: AnyEvent[]): OutgoingMessage[] {
  return events.map((event) => ({ topic: topicOf(event.type), key: event.clinicId, value: JSON.stringify(event), headers: eventHeaders(event) }));
}

function isMessagingModule(entry: unknown): entry is DynamicModule {
  return typeof entry === 'object' && entry !== null && (entry as DynamicModule).module === MessagingModule;
}

function provides(provider: Provider, token: unknown): boolean {
  return typeof provider === 'object' && provider !== null && 'provide' in provider && provider.provide === token;
}

/**
 * The ledger exactly as `ledgerService` defines it, except that its MessagingModule uses the
 * run's topic prefix and a run-unique consumer group (same handlers, batch sizes and retries).
 */
function benchLedgerDefinition(config: LedgerConfig, prefix: string, runId: string) {
  const definition = ledgerService(config);
  const imports = definition.imports.map((entry) => {
    if (!isMessagingModule(entry)) return entry;
    const optionsProvider = (entry.providers ?? []).find((provider) => provides(provider, MESSAGING_OPTIONS)) as { useValue: MessagingModuleOptions };
    const options = optionsProvider.useValue;
    const rebuilt = MessagingModule.forRoot({
      ...options,
      consume: options.consume && { ...options.consume, groupId: `${options.consume.groupId}-bench-${runId}` },
    });
    const transport: Provider = {
      provide: TRANSPORT,
      inject: [SERVICE_CONFIG],
      useFactory: (serviceConfig: CommonConfig) => namespacedTransport(options.service, serviceConfig, prefix),
    };
    return { ...rebuilt, providers: (rebuilt.providers ?? []).map((provider) => (provides(provider, TRANSPORT) ? transport : provider)) };
  });
  return { ...definition, imports };
}

export interface BenchLedger {
  svc: ServiceApp;
  config: LedgerConfig;
}

/**
 * Boots the ledger in-process. It logs at BENCH_LOG_LEVEL (default info, as in production: every
 * charge is a JSON line) into a sink, so the cost of logging is measured but the lines are not
 * printed; warnings and errors still reach stderr.
 */
export async function startBenchLedger(databaseUrl: string, prefix: string, runId: string): Promise<BenchLedger> {
  const config: LedgerConfig = {
    ...loadCommonConfig('ledger', 'LEDGER_PORT', 0),
    databaseUrl,
    eventLogDatabaseUrl: undefined,
    lowBalanceThreshold: 500,
    pendingWindowHours: 168,
  };
  const sink = {
    write(line: string) {
      if (line.includes('"level":"warn"') || line.includes('"level":"error"') || line.includes('"level":"fatal"')) process.stderr.write(line);
    },
  };
  const logger = createLogger('ledger', process.env.BENCH_LOG_LEVEL ?? 'info', sink);
  const svc = await createServiceApp({ ...benchLedgerDefinition(config, prefix, runId), logger });
  return { svc, config };
}

/** Deletes every topic of this run from the broker (a no-op on the embedded log, which dies with the database). */
export async function deleteRunTopics(brokers: string[] | undefined, prefix: string): Promise<string[]> {
  if (!brokers || brokers.length === 0) return [];
  const admin = testKafka('ledger-bench-admin', brokers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    return topics;
  } finally {
    await admin.disconnect();
  }
}
