import { DynamicModule, Global, INestApplication, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { MicroserviceOptions } from '@nestjs/microservices';
import { Database, LOGGER, SERVICE_CONFIG } from '@clinic/platform';
import type { CommonConfig } from '@clinic/platform';
import { HealthRegistry, ServiceMetrics, withCorrelation } from '@clinic/observability';
import { createTransport } from '../create-transport';
import { MessagingLogger, MessagingMetrics } from '../logger';
import { OutboxRelay } from '../outbox';
import { Transport } from '../transport';
import { EventBusServer, EventErrorPassthroughFilter } from './event-bus.server';
import { MESSAGING_OPTIONS, MessagingModuleOptions, TRANSPORT } from './tokens';

function metricsOf(metrics: ServiceMetrics | undefined): MessagingMetrics | undefined {
  if (!metrics) return undefined;
  return {
    published: (topic, count) => metrics.eventsPublished.inc({ topic }, count),
    handled: (type, outcome) => metrics.eventsHandled.inc({ type, outcome }),
    deadLettered: (topic) => metrics.deadLettered.inc({ topic }),
    lagSeconds: (topic, seconds) => metrics.consumerLag.set({ topic }, seconds),
    backlog: (count) => metrics.outboxBacklog.set(count),
  };
}

function databaseUrlOf(db: Database): string | undefined {
  const options = db.pool.options as { connectionString?: string };
  return options.connectionString;
}

function brokersFromEnv(): string[] | undefined {
  const raw = process.env.KAFKA_BROKERS?.trim();
  return raw ? raw.split(',').map((broker) => broker.trim()).filter(Boolean) : undefined;
}

/** Starts the relay when the app is up; stops consumer, relay and transport on shutdown. */
@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(EventBusServer) private readonly server: EventBusServer,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Optional() @Inject(HealthRegistry) health?: HealthRegistry,
  ) {
    health?.register('broker', () => transport.isHealthy());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
    await this.relay.stop();
    await this.transport.close();
  }
}

/**
 * Messaging for a NestJS service (global): the `Transport` (Kafka when KAFKA_BROKERS is set, else
 * the embedded log at EVENT_LOG_DATABASE_URL or the service's own database), the `OutboxRelay`
 * (started on bootstrap, stopped on shutdown) and the `EventBusServer` transport strategy that
 * `connectEventBus(app)` attaches. Needs the platform's `Database` provider.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: TRANSPORT,
          inject: [Database, { token: SERVICE_CONFIG, optional: true }, { token: LOGGER, optional: true }],
          useFactory: (db: Database, config?: CommonConfig, logger?: MessagingLogger): Transport =>
            createTransport({
              clientId: options.service,
              // The platform's validated config wins; without it, the same variables straight from env.
              kafkaBrokers: config ? config.kafkaBrokers : brokersFromEnv(),
              eventLogDatabaseUrl: (config ? config.eventLogDatabaseUrl : process.env.EVENT_LOG_DATABASE_URL) ?? config?.databaseUrl ?? databaseUrlOf(db),
              partitions: config?.kafkaPartitions,
              // Heartbeats at a third of the session timeout (kafkajs' default ratio of 3 s to 30 s, capped at 3 s).
              kafkaConsumer: config?.kafkaSessionTimeoutMs
                ? { sessionTimeoutMs: config.kafkaSessionTimeoutMs, heartbeatIntervalMs: Math.min(3000, Math.floor(config.kafkaSessionTimeoutMs / 3)) }
                : undefined,
              logger,
            }),
        },
        {
          provide: OutboxRelay,
          inject: [Database, TRANSPORT, { token: LOGGER, optional: true }, { token: ServiceMetrics, optional: true }],
          useFactory: (db: Database, transport: Transport, logger?: MessagingLogger, metrics?: ServiceMetrics) =>
            new OutboxRelay({ db, transport, logger, metrics: metricsOf(metrics), batchSize: options.relayBatchSize }),
        },
        {
          provide: EventBusServer,
          inject: [Database, TRANSPORT, { token: LOGGER, optional: true }, { token: ServiceMetrics, optional: true }],
          useFactory: (db: Database, transport: Transport, logger?: MessagingLogger, metrics?: ServiceMetrics) =>
            new EventBusServer({
              db,
              transport,
              consume: options.consume,
              logger,
              metrics: metricsOf(metrics),
              maxAttempts: options.maxAttempts,
              backoffMs: options.backoffMs,
              maxEventsPerTransaction: options.maxEventsPerTransaction,
              around: (event, work) => withCorrelation(event.correlationId, work),
            }),
        },
        MessagingLifecycle,
      ],
      exports: [TRANSPORT, OutboxRelay, EventBusServer, MESSAGING_OPTIONS],
    };
  }
}

/** Attaches the event bus to a Nest app and starts consuming (call before or after `app.init()`). */
export async function connectEventBus(app: INestApplication): Promise<void> {
  const strategy = app.get(EventBusServer);
  // Deferred so the error filter is in place before Nest builds the handlers' exception zones;
  // the app's own init/bootstrap hooks must not run a second time for the microservice.
  const microservice = app.connectMicroservice<MicroserviceOptions>({ strategy }, { deferInitialization: true });
  (microservice as unknown as { setIsInitHookCalled?(called: boolean): void }).setIsInitHookCalled?.(true);
  microservice.useGlobalFilters(new EventErrorPassthroughFilter());
  await app.startAllMicroservices();
}
