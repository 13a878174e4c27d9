import { env } from './config';

/** Dev default only: a real deployment sets JWT_SECRET (refused in production when missing). */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me';

export interface CommonConfig {
  service: string;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  embeddedPostgresDir: string;
  embeddedPostgresPort: number;
  kafkaBrokers: string[] | undefined;
  eventLogDatabaseUrl: string | undefined;
  kafkaPartitions: number;
  /** How long the broker waits for a silent consumer (a crashed process) before moving its partitions. */
  kafkaSessionTimeoutMs: number;
  jwtSecret: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  databasePoolSize: number;
}

/** Settings every service reads. `portVariable` is the service's own, e.g. LEDGER_PORT. */
export function loadCommonConfig(service: string, portVariable: string, defaultPort: number): CommonConfig {
  return {
    service,
    host: env.string('HOST', { default: '127.0.0.1' }),
    port: env.port(portVariable, defaultPort),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql'], { optional: true }),
    embeddedPostgresDir: env.string('EMBEDDED_PG_DIR', { default: '.data/postgres' }),
    embeddedPostgresPort: env.port('EMBEDDED_PG_PORT', 54320),
    kafkaBrokers: env.hostPorts('KAFKA_BROKERS'),
    eventLogDatabaseUrl: env.url('EVENT_LOG_DATABASE_URL', ['postgres', 'postgresql'], { optional: true }),
    kafkaPartitions: env.int('KAFKA_PARTITIONS', { default: 6, min: 1, max: 256 }),
    kafkaSessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', { default: 30_000, min: 6_000, max: 300_000 }),
    jwtSecret: env.secret('JWT_SECRET', DEV_JWT_SECRET),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    databasePoolSize: env.int('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 200 }),
  };
}
