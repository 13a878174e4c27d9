#!/usr/bin/env node
// A real, single-node Apache Kafka broker (KRaft) for dev and tests, without Docker.
// The broker jars come from Maven Central (tools/kafka/pom.xml) and are cached in .cache/kafka-jars.
//
//   node tools/kafka/kafka.mjs start    # fetch jars if missing, format storage, start, wait until ready
//   node tools/kafka/kafka.mjs stop     # SIGTERM, then SIGKILL after 15 s
//   node tools/kafka/kafka.mjs status   # exit 0 when running and ready, 3 when not running
//   node tools/kafka/kafka.mjs jars     # only fetch the jars (CI cache warm-up)
//
// Env: KAFKA_PORT (9092; the controller listens on KAFKA_PORT+1), KAFKA_STATE_DIR (.cache: data,
// pid, log and config live there), KAFKA_JARS_DIR (.cache/kafka-jars), KAFKA_HEAP_OPTS
// (-Xms512m -Xmx512m), KAFKA_START_TIMEOUT_MS (120000), KAFKA_STOP_TIMEOUT_MS (15000).
// Plain Node ESM, no dependencies; kafkajs (from the repo's node_modules) is used for the
// admin-level readiness check when it is installed, else the log line "Kafka Server started".
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
const POM = path.join(HERE, 'pom.xml');
const HOST = '127.0.0.1';

export class KafkaScriptError extends Error {}

export function settings(env = process.env) {
  const port = Number(env.KAFKA_PORT ?? 9092);
  if (!Number.isInteger(port) || port < 1 || port > 65534) {
    throw new KafkaScriptError(`KAFKA_PORT must be a TCP port (1-65534), got "${env.KAFKA_PORT}"`);
  }
  const stateDir = path.resolve(ROOT, env.KAFKA_STATE_DIR ?? '.cache');
  return {
    port,
    controllerPort: port + 1,
    brokers: `${HOST}:${port}`,
    jarsDir: path.resolve(ROOT, env.KAFKA_JARS_DIR ?? path.join('.cache', 'kafka-jars')),
    stateDir,
    dataDir: path.join(stateDir, 'kafka-data'),
    configDir: path.join(stateDir, 'kafka-config'),
    pidFile: path.join(stateDir, 'kafka.pid'),
    logFile: path.join(stateDir, 'kafka.log'),
    heapOpts: (env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx512m').split(/\s+/).filter(Boolean),
    startTimeoutMs: Number(env.KAFKA_START_TIMEOUT_MS ?? 120_000),
    stopTimeoutMs: Number(env.KAFKA_STOP_TIMEOUT_MS ?? 15_000),
  };
}

const say = (message) => console.log(`kafka: ${message}`);
/** A path for messages: relative inside the repo, absolute outside it. */
const show = (p) => (path.relative(ROOT, p).startsWith('..') ? p : path.relative(ROOT, p));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- prerequisites

function javaMajorVersion() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return 0;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

export function requireJava() {
  const major = javaMajorVersion();
  if (major === undefined) {
    throw new KafkaScriptError(
      '`java` was not found on PATH. The local Kafka broker needs Java 17 or newer: install a JDK ' +
        '(Debian/Ubuntu: `apt-get install openjdk-17-jdk-headless maven`), or set KAFKA_BROKERS to a broker you already have.',
    );
  }
  if (major < 17) throw new KafkaScriptError(`Java ${major} found; Kafka 4 needs Java 17 or newer (install openjdk-17-jdk-headless).`);
}

function requireMaven() {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error) {
    throw new KafkaScriptError(
      `the Kafka jars are not cached in ${show(settings().jarsDir)} and \`mvn\` was not found on PATH. ` +
        'Install Maven 3.8+ (Debian/Ubuntu: `apt-get install maven`) with access to Maven Central, ' +
        'or copy the jars there from a machine that has them.',
    );
  }
}

// ---------------------------------------------------------------- jars

function pomVersion(artifactId) {
  const pom = fs.readFileSync(POM, 'utf8');
  const match = new RegExp(`<artifactId>${artifactId.replace(/\./g, '\\.')}</artifactId>\\s*<version>([^<]+)</version>`).exec(pom);
  if (!match) throw new KafkaScriptError(`cannot read the ${artifactId} version from ${POM}`);
  return match[1].trim();
}

/** The jars a start needs; a missing one (or a version bump in pom.xml) means fetch again. */
function requiredJars() {
  const kafka = pomVersion('kafka_2.13');
  const log4j = pomVersion('log4j-core');
  return [`kafka_2.13-${kafka}.jar`, `kafka-server-${kafka}.jar`, `kafka-clients-${kafka}.jar`, `log4j-core-${log4j}.jar`, `log4j-slf4j-impl-${log4j}.jar`];
}

export function jarsPresent(jarsDir = settings().jarsDir) {
  if (!fs.existsSync(jarsDir)) return false;
  const have = new Set(fs.readdirSync(jarsDir));
  return requiredJars().every((jar) => have.has(jar)) && [...have].some((f) => f.startsWith('scala-library-'));
}

export async function ensureJars(cfg = settings()) {
  if (jarsPresent(cfg.jarsDir)) return false;
  requireMaven();
  const tmp = `${cfg.jarsDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(cfg.jarsDir), { recursive: true });
  say(`fetching Apache Kafka ${pomVersion('kafka_2.13')} jars from Maven Central into ${show(cfg.jarsDir)} (first run only, ~110 MB)...`);
  const started = Date.now();
  const args = ['-B', '-f', POM, 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`];
  const output = [];
  let downloaded = 0;
  let lastReport = started;
  const code = await new Promise((resolve) => {
    const child = spawn('mvn', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 200) output.shift();
        if (/^\s*(\[INFO\]\s*)?Downloaded from/.test(line)) {
          downloaded += 1;
          if (Date.now() - lastReport >= 5000) {
            lastReport = Date.now();
            say(`  ... ${downloaded} files downloaded (${Math.round((lastReport - started) / 1000)} s)`);
          }
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', () => resolve(127));
    child.on('close', (status) => resolve(status ?? 1));
  });
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(output.slice(-25).join('\n'));
    const offline = output.some((l) => /Could not transfer|UnknownHost|Connection refused|Network is unreachable|offline/i.test(l));
    throw new KafkaScriptError(
      `Maven could not fetch the Kafka jars (exit ${code}).` +
        (offline
          ? ' Maven Central looks unreachable: check the network or the proxy/mirror in ~/.m2/settings.xml; ' +
            'if ~/.m2 already holds the artifacts, run the same command with `mvn -o`. '
          : ' ') +
        `Command: mvn ${args.join(' ').replace(tmp, cfg.jarsDir)}`,
    );
  }
  fs.rmSync(cfg.jarsDir, { recursive: true, force: true });
  fs.renameSync(tmp, cfg.jarsDir);
  if (!jarsPresent(cfg.jarsDir)) throw new KafkaScriptError(`Maven finished but ${cfg.jarsDir} lacks ${requiredJars().join(', ')}`);
  say(`jars ready: ${fs.readdirSync(cfg.jarsDir).length} files in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}

// ---------------------------------------------------------------- config

export function serverProperties(cfg) {
  return [
    '# Written by tools/kafka/kafka.mjs; regenerated on every start.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${cfg.controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${cfg.port},CONTROLLER://${HOST}:${cfg.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${cfg.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${cfg.dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'num.network.threads=2',
    'num.io.threads=4',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

function log4jProperties() {
  return [
    '# Written by tools/kafka/kafka.mjs. Broker output goes to stdout, which the script sends to kafka.log.',
    'status = warn',
    'appender.console.type = Console',
    'appender.console.name = STDOUT',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.console.ref = STDOUT',
    'logger.raftserver.name = kafka.server.KafkaRaftServer',
    'logger.raftserver.level = INFO',
    'logger.broker.name = kafka.server.BrokerServer',
    'logger.broker.level = INFO',
    '',
  ].join('\n');
}

/** 16 random bytes, base64url: 22 characters, never starting with '-'. */
export function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// ---------------------------------------------------------------- process helpers

function readPid(cfg) {
  try {
    const pid = Number(fs.readFileSync(cfg.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** True when pid is our broker (guards against a stale pid file whose pid was reused). */
function isOurBroker(pid, cfg) {
  if (!alive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(path.join(cfg.configDir, 'server.properties'));
  } catch {
    return true; // no /proc (macOS): trust a live pid
  }
}

export function isPortOpen(port, host = HOST, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function loadKafkajs() {
  try {
    return createRequire(path.join(ROOT, 'package.json'))('kafkajs');
  } catch {
    return undefined;
  }
}

/** Admin-level check: connect and list topics. Undefined when kafkajs is not installed. */
export async function adminReady(brokers, timeoutMs = 5000) {
  const kafkajs = loadKafkajs();
  if (!kafkajs) return undefined;
  const kafka = new kafkajs.Kafka({
    clientId: 'kafka-local-readiness',
    brokers: Array.isArray(brokers) ? brokers : brokers.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function logTail(cfg, lines = 40) {
  try {
    return fs.readFileSync(cfg.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function ready(cfg, offset = 0) {
  if (!(await isPortOpen(cfg.port))) return false;
  const admin = await adminReady(cfg.brokers);
  if (admin !== undefined) return admin;
  try {
    return fs.readFileSync(cfg.logFile, 'utf8').slice(offset).includes('Kafka Server started');
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- commands

/**
 * Starts the broker unless ours is already running. Resolves { brokers, started } where started
 * says whether this call started it (so a caller stops only what it started).
 */
export async function start(cfg = settings()) {
  const pid = readPid(cfg);
  if (pid && isOurBroker(pid, cfg)) {
    if (!(await waitReady(cfg, pid, 0))) throw new KafkaScriptError(`broker pid ${pid} is running but not ready; see ${cfg.logFile}`);
    say(`already running (pid ${pid}) on ${cfg.brokers}`);
    return { brokers: cfg.brokers, started: false, pid };
  }
  if (pid) {
    say(`removing stale pid file ${show(cfg.pidFile)} (pid ${pid} is not a running broker)`);
    fs.rmSync(cfg.pidFile, { force: true });
  }
  for (const port of [cfg.port, cfg.controllerPort]) {
    if (await isPortOpen(port)) {
      if (port === cfg.port && (await adminReady(cfg.brokers))) {
        say(`a Kafka broker not started by this script already answers on ${cfg.brokers}; using it`);
        return { brokers: cfg.brokers, started: false };
      }
      throw new KafkaScriptError(
        `port ${port} on ${HOST} is already in use by another process (find it with \`ss -ltnp | grep :${port}\`); ` +
          `stop it or pick other ports with KAFKA_PORT=<port> (the controller uses KAFKA_PORT+1)`,
      );
    }
  }
  requireJava();
  await ensureJars(cfg);

  fs.mkdirSync(cfg.configDir, { recursive: true });
  const props = path.join(cfg.configDir, 'server.properties');
  const log4j = path.join(cfg.configDir, 'log4j2.properties');
  fs.writeFileSync(props, serverProperties(cfg));
  fs.writeFileSync(log4j, log4jProperties());
  const classpath = `${cfg.jarsDir}${path.sep}*`;
  const jvm = [...cfg.heapOpts, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`];

  fs.rmSync(cfg.dataDir, { recursive: true, force: true });
  const id = clusterId();
  const format = spawnSync('java', [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', props], { encoding: 'utf8' });
  if (format.status !== 0) {
    throw new KafkaScriptError(`formatting ${cfg.dataDir} failed (exit ${format.status}):\n${format.stdout}${format.stderr}`);
  }

  fs.mkdirSync(cfg.stateDir, { recursive: true });
  fs.appendFileSync(cfg.logFile, `\n===== kafka.mjs start ${new Date().toISOString()} cluster ${id} =====\n`);
  const offset = fs.statSync(cfg.logFile).size;
  const logFd = fs.openSync(cfg.logFile, 'a');
  const child = spawn('java', [...jvm, '-cp', classpath, 'kafka.Kafka', props], { cwd: cfg.stateDir, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  child.unref();
  fs.writeFileSync(cfg.pidFile, `${child.pid}\n`);
  say(`starting broker (pid ${child.pid}, log ${show(cfg.logFile)})...`);

  const began = Date.now();
  if (!(await waitReady(cfg, child.pid, offset))) {
    const tail = logTail(cfg);
    await stop(cfg, { quiet: true });
    const hint = /Address already in use/.test(tail) ? ` (a port is in use: set KAFKA_PORT to another port)` : '';
    throw new KafkaScriptError(`the broker did not become ready within ${cfg.startTimeoutMs} ms${hint}. Last log lines:\n${tail}`);
  }
  say(`ready in ${((Date.now() - began) / 1000).toFixed(1)} s on ${cfg.brokers}`);
  return { brokers: cfg.brokers, started: true, pid: child.pid };
}

async function waitReady(cfg, pid, offset) {
  const deadline = Date.now() + cfg.startTimeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return false;
    if (await ready(cfg, offset)) return true;
    await sleep(500);
  }
  return false;
}

export async function stop(cfg = settings(), { quiet = false } = {}) {
  const pid = readPid(cfg);
  if (!pid) {
    if (!quiet) say('not running (no pid file)');
    return false;
  }
  if (!isOurBroker(pid, cfg)) {
    if (!quiet) say(`not running (removing stale pid file for pid ${pid})`);
    fs.rmSync(cfg.pidFile, { force: true });
    return false;
  }
  if (!quiet) say(`stopping broker pid ${pid}...`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + cfg.stopTimeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) {
    say(`pid ${pid} still running after ${cfg.stopTimeoutMs} ms; sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(100);
  }
  fs.rmSync(cfg.pidFile, { force: true });
  if (!quiet) say('stopped');
  return true;
}

export async function status(cfg = settings()) {
  const pid = readPid(cfg);
  const running = pid !== undefined && isOurBroker(pid, cfg);
  const isReady = running && (await ready(cfg));
  return { running, ready: isReady, pid: running ? pid : undefined, brokers: cfg.brokers, stalePid: pid !== undefined && !running };
}

async function main(command) {
  const cfg = settings();
  switch (command) {
    case 'start': {
      const result = await start(cfg);
      console.log(`KAFKA_BROKERS=${result.brokers}`);
      console.log(`# export KAFKA_BROKERS=${result.brokers}   (stop with: npm run kafka:stop)`);
      return 0;
    }
    case 'stop':
      await stop(cfg);
      return 0;
    case 'status': {
      const s = await status(cfg);
      if (s.running) say(`running (pid ${s.pid}) on ${s.brokers}, ${s.ready ? 'ready' : 'NOT ready'}; log ${show(cfg.logFile)}`);
      else say(`not running${s.stalePid ? ' (stale pid file; `stop` or `start` removes it)' : ''}`);
      if (s.running && s.ready) console.log(`KAFKA_BROKERS=${s.brokers}`);
      return s.running ? (s.ready ? 0 : 1) : 3;
    }
    case 'jars':
      requireJava();
      if (!(await ensureJars(cfg))) say(`jars already cached in ${show(cfg.jarsDir)}`);
      return 0;
    default:
      console.error('usage: node tools/kafka/kafka.mjs start|stop|status|jars');
      return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`kafka: ${error instanceof KafkaScriptError ? error.message : error.stack}`);
      process.exit(1);
    },
  );
}
