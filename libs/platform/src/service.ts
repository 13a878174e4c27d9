import { DynamicModule, Global, INestApplication, Module, ModuleMetadata } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AUTH_SECRET, JwtAuthGuard } from '@clinic/auth';
import { AppLogger, createLogger, HealthRegistry, NestPinoLogger, OperationsController, requestContext, ServiceMetrics } from '@clinic/observability';
import { CommonConfig } from './common-config';
import { Database } from './database';
import { AllErrorsFilter, createValidationPipe } from './http-errors';
import { MigrationClass, runMigrations } from './migrations';
import { resolveDatabase } from './resolve-database';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const LOGGER = Symbol('LOGGER');

export interface ServiceDefinition<C extends CommonConfig = CommonConfig> {
  config: C;
  /** The Postgres schema this service owns. */
  schema: string;
  migrations: MigrationClass[];
  /** Feature modules (vertical slices), plus MessagingModule.forRoot(...) where events flow. */
  imports: NonNullable<ModuleMetadata['imports']>;
  title: string;
  /** Runs after the app is created and before it listens, e.g. to connect the event bus. */
  beforeListen?: (app: INestApplication) => Promise<void>;
  logger?: AppLogger;
}

export interface ServiceApp {
  app: INestApplication;
  database: Database;
  logger: AppLogger;
  databaseUrl: string;
  close(): Promise<void>;
}

@Global()
@Module({})
class PlatformModule {
  static forRoot(config: CommonConfig, database: Database, logger: AppLogger, metrics: ServiceMetrics, health: HealthRegistry): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [OperationsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: Database, useValue: database },
        { provide: LOGGER, useValue: logger },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HealthRegistry, useValue: health },
        { provide: AUTH_SECRET, useValue: config.jwtSecret },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
      ],
      exports: [SERVICE_CONFIG, Database, LOGGER, ServiceMetrics, HealthRegistry, AUTH_SECRET],
    };
  }
}

/**
 * Builds a service: resolves its database (DATABASE_URL or embedded), runs its migrations,
 * and creates the Nest app with JSON logs, correlation ids, validation, auth, health, metrics and
 * OpenAPI at /docs. Does not listen: tests use it as is, `runService` adds the port and signals.
 */
export async function createServiceApp(definition: ServiceDefinition): Promise<ServiceApp> {
  const { config } = definition;
  const logger = definition.logger ?? createLogger(config.service, config.logLevel);
  const resolved = await resolveDatabase({ databaseUrl: config.databaseUrl, dataDir: config.embeddedPostgresDir, port: config.embeddedPostgresPort });
  const applied = await runMigrations(resolved.url, definition.schema, definition.migrations);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  const database = new Database({ url: resolved.url, schema: definition.schema, poolSize: config.databasePoolSize, applicationName: config.service });
  const metrics = new ServiceMetrics(config.service);
  const health = new HealthRegistry();
  health.register('database', () => database.ping());

  @Module({ imports: [PlatformModule.forRoot({ ...config, databaseUrl: resolved.url }, database, logger, metrics, health), ...definition.imports] })
  class ServiceRootModule {}

  const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule, { rawBody: true, logger: new NestPinoLogger(logger), abortOnError: false });
  app.use(requestContext(logger, metrics));
  app.useBodyParser('json', { limit: '64kb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllErrorsFilter(logger));
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder().setTitle(definition.title).setVersion('1').addBearerAuth().build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  if (definition.beforeListen) await definition.beforeListen(app);
  await app.init();

  return {
    app,
    database,
    logger,
    databaseUrl: resolved.url,
    async close() {
      await app.close();
      await database.close();
      await resolved.release();
    },
  };
}

/** Starts a service for real: listens on HOST:port and shuts down cleanly on SIGINT/SIGTERM. */
export async function runService(definition: ServiceDefinition): Promise<ServiceApp> {
  const service = await createServiceApp(definition);
  const { config } = definition;
  await service.app.listen(config.port, config.host);
  service.logger.info({ url: `http://${config.host}:${config.port}`, docs: `http://${config.host}:${config.port}/docs` }, `${config.service} listening`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, `${config.service} stopping`);
    await service.close().catch((error) => service.logger.error({ err: error }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return service;
}
