import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ALL_TOPICS, dlqTopic } from '@clinic/contracts';

// docker-compose.yml and the Dockerfile are checked two ways: Debian's docker-compose (offline,
// no Docker engine needed) validates the file when installed, and the parsed YAML is asserted in
// every case, so this suite can never pass by skipping.
const ROOT = path.resolve(__dirname, '../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

const SERVICES = {
  'lead-intake': { port: 3001, portVariable: 'LEAD_INTAKE_PORT' },
  ledger: { port: 3002, portVariable: 'LEDGER_PORT' },
  payments: { port: 3003, portVariable: 'PAYMENTS_PORT' },
  disputes: { port: 3004, portVariable: 'DISPUTES_PORT' },
} as const;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  command?: string[] | string;
}

const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
// Environment values as compose resolves them with nothing exported: ${NAME:-default} -> default.
const withDefaults = (value: string) => value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
for (const service of Object.values(compose.services)) {
  if (service.environment) {
    service.environment = Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, withDefaults(String(value))]));
  }
}
const healthcheck = (service: ComposeService) => [service.healthcheck?.test ?? []].flat().join(' ');

describe('docker-compose.yml', () => {
  const binary = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });

  (binary.error ? it.skip : it)('passes `docker-compose config -q` (offline validation)', () => {
    const result = spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  if (binary.error) {
    it('docker-compose is not installed: validating by parse only (apt-get install docker-compose for the full check)', () => {
      expect(binary.error).toBeDefined();
    });
  }

  it('runs Kafka (KRaft, single node) and PostgreSQL 16 with healthchecks', () => {
    const { kafka, postgres } = compose.services;
    expect(kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1', KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1' });
    expect(healthcheck(kafka)).toContain('kafka:9092');
    expect(postgres.image).toMatch(/^postgres:16/);
    expect(healthcheck(postgres)).toContain('pg_isready');
  });

  it('creates every contract topic and its .dlq twin', () => {
    const script = [compose.services['kafka-topics'].command ?? []].flat().join('\n');
    const listed = /for topic in ([^;]+);/.exec(script)?.[1].trim().split(/\s+/) ?? [];
    expect([...listed].sort()).toEqual([...ALL_TOPICS].sort());
    expect(script).toContain('$$topic.dlq');
    expect(dlqTopic('leads.v1')).toBe('leads.v1.dlq');
  });

  it.each(Object.entries(SERVICES))('%s: built from the Dockerfile, ready-checked, wired to Kafka and Postgres', (name, { port, portVariable }) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(service.environment).toMatchObject({
      APP: name,
      HOST: '0.0.0.0',
      KAFKA_BROKERS: 'kafka:9092',
      [portVariable]: String(port),
      DATABASE_URL: expect.stringMatching(/^postgres:\/\/[^@]+@postgres:5432\//),
    });
    expect(healthcheck(service)).toContain(`http://127.0.0.1:${port}/health/ready`);
    expect(service.ports).toContain(`127.0.0.1:${port}:${port}`);
    for (const dependency of ['postgres', 'kafka']) expect(service.depends_on?.[dependency]).toEqual({ condition: 'service_healthy' });
    expect(service.depends_on?.['kafka-topics']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('points payments at the Razorpay simulator (port 3005) for development', () => {
    const { payments, 'razorpay-simulator': simulator } = compose.services;
    expect(payments.environment?.RAZORPAY_API_BASE_URL).toBe('http://razorpay-simulator:3005/v1');
    expect(payments.depends_on?.['razorpay-simulator']).toEqual({ condition: 'service_healthy' });
    expect(simulator.environment).toMatchObject({ APP: 'razorpay-simulator', RAZORPAY_SIMULATOR_PORT: '3005', HOST: '0.0.0.0' });
    expect(simulator.environment?.RAZORPAY_KEY_ID).toBe(payments.environment?.RAZORPAY_KEY_ID);
    expect(simulator.environment?.RAZORPAY_WEBHOOK_SECRET).toBe(payments.environment?.RAZORPAY_WEBHOOK_SECRET);
    expect(healthcheck(simulator)).toContain('3005');
  });

  it('every service it runs exists as an app the build compiles', () => {
    for (const name of [...Object.keys(SERVICES), 'razorpay-simulator']) {
      expect(fs.existsSync(path.join(ROOT, 'apps', name, 'src', 'main.ts'))).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

  it('is multi-stage: npm ci and build, then a runtime that starts dist/apps/$APP', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toContain('node -r ./dist/tools/register-paths.js dist/apps/$APP/src/main.js');
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('.dockerignore keeps local state and dependencies out of the build context', () => {
    const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.cache', '.data', '.git']) expect(ignored).toContain(entry);
  });
});
