// The whole system for end-to-end tests: the four services and the Razorpay simulator as
// separate processes from dist/, each on a free port, sharing one fresh database, on Kafka
// (KAFKA_BROKERS) or on the embedded Postgres event log. Read and driven only over HTTP.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ALL_TOPICS } from '@clinic/contracts';
import { signToken, Role } from '@clinic/auth';
import { createTestDatabase, freePort, kafkaBrokers, startGroupsAtTheEnd, TestDatabase, waitFor } from '@clinic/testing';
// tools/start is the npm start launcher (not an Nx project); the suites start processes the same way.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ProcessDefinition, RAZORPAY_SIMULATOR, RunningProcess, SERVICES, startProcess, stopProcess, waitUntilReady } from '../../tools/start/processes';

export type Mode = 'kafka' | 'embedded';
export type ServiceName = 'lead-intake' | 'ledger' | 'payments' | 'disputes' | 'razorpay-simulator';

const JWT_SECRET = 'e2e-only-jwt-secret-0123456789';

export interface System {
  mode: Mode;
  url(service: ServiceName): string;
  token(role: Role, clinicId?: string): string;
  /** kill -9 (or SIGTERM) one process; `restart` starts it again on the same port. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  restart(service: ServiceName): Promise<void>;
  /** The last lines a process wrote, for failure messages. */
  logsOf(service: ServiceName): string;
  /** The `msg` of every JSON log line a process wrote so far (e.g. to count "Payment verified" lines). */
  logMessages(service: ServiceName): string[];
  stop(): Promise<void>;
}

export async function startSystem(mode: Mode): Promise<System> {
  const brokers = mode === 'kafka' ? kafkaBrokers() : undefined;
  const db: TestDatabase = await createTestDatabase(`e2e_${mode}`);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `clinic-e2e-${mode}-`));
  const definitions: ProcessDefinition[] = [RAZORPAY_SIMULATOR, ...SERVICES];
  const ports = new Map<string, number>();
  for (const definition of definitions) ports.set(definition.name, await freePort());

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    JWT_SECRET,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    RAZORPAY_API_BASE_URL: `http://127.0.0.1:${ports.get(RAZORPAY_SIMULATOR.name)}`,
    RAZORPAY_WEBHOOK_URL: `http://127.0.0.1:${ports.get('payments')}/webhooks/razorpay`,
    // A killed ledger's partitions move after the session timeout: short, so the crash test is quick.
    ...(brokers ? { KAFKA_BROKERS: brokers.join(','), KAFKA_SESSION_TIMEOUT_MS: '8000' } : {}),
  };
  if (brokers) {
    // A shared broker: this run's consumer groups are its own, starting at the topics' current
    // end, so neither other test runs' consumers nor old events from earlier runs get involved.
    const run = path.basename(logDir).replace(/[^A-Za-z0-9._-]/g, '-');
    const groups = { LEAD_INTAKE_CONSUMER_GROUP: `${run}-lead-intake`, LEDGER_CONSUMER_GROUP: `${run}-ledger`, DISPUTES_CONSUMER_GROUP: `${run}-disputes` };
    Object.assign(env, groups);
    await startGroupsAtTheEnd(Object.values(groups), [...ALL_TOPICS], { partitions: 6, brokers });
  }

  const running = new Map<string, RunningProcess>();
  const logFiles = new Map<string, string>();
  const start = (definition: ProcessDefinition) => {
    const file = path.join(logDir, `${definition.name}.log`);
    logFiles.set(definition.name, file);
    const out = fs.createWriteStream(file, { flags: 'a' });
    const child = startProcess(definition, ports.get(definition.name)!, env, (line) => out.write(`${line}\n`));
    void child.exited.then(() => out.end());
    running.set(definition.name, child);
    return child;
  };
  const logsOf = (name: string) => {
    const file = logFiles.get(name);
    if (!file || !fs.existsSync(file)) return '(no log)';
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    return `${file}:\n${lines.slice(-40).join('\n')}`;
  };
  const logMessages = (name: string): string[] => {
    const file = logFiles.get(name);
    if (!file || !fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: unknown };
        return typeof entry.msg === 'string' ? [entry.msg] : [];
      } catch {
        return [];
      }
    });
  };
  const ready = async (child: RunningProcess) => {
    try {
      await waitUntilReady(child, 90_000);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- last lines of ${logsOf(child.definition.name)}`);
    }
  };

  const system: System = {
    mode,
    url: (service) => `http://127.0.0.1:${ports.get(service)}`,
    token: (role, clinicId) => signToken({ role, clinicId }, JWT_SECRET),
    async kill(service, signal = 'SIGKILL') {
      const child = running.get(service)!;
      if (signal === 'SIGTERM') return stopProcess(child);
      child.child.kill(signal);
      await child.exited;
    },
    async restart(service) {
      const definition = definitions.find((d) => d.name === service)!;
      await ready(start(definition));
    },
    logsOf,
    logMessages,
    async stop() {
      await Promise.all([...running.values()].map((child) => stopProcess(child)));
      await db.drop();
      // Failures already quote the last lines; E2E_KEEP_LOGS=1 keeps the whole files.
      if (!process.env.E2E_KEEP_LOGS) fs.rmSync(logDir, { recursive: true, force: true });
    },
  };

  try {
    // The simulator first (payments calls it), then the services side by side.
    await ready(start(RAZORPAY_SIMULATOR));
    await Promise.all(SERVICES.map((definition) => ready(start(definition))));
  } catch (error) {
    await system.stop().catch(() => undefined);
    throw error;
  }
  return system;
}

/** A small HTTP client: JSON in and out, a bearer token, the status kept. */
export async function call(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

/** Like `call`, but fails with the answer when the status is not the expected one. */
export async function expectStatus(expected: number, method: string, url: string, token?: string, body?: unknown): Promise<any> {
  const response = await call(method, url, token, body);
  if (response.status !== expected) throw new Error(`${method} ${url} → ${response.status} (expected ${expected}): ${JSON.stringify(response.body)}`);
  return response.body;
}

export { waitFor };
