import { randomBytes, randomUUID } from 'crypto';
import * as os from 'os';
import { Client } from 'pg';
import { AnyEvent, Event, TOPICS, createEvent } from '@clinic/contracts';
import { OutgoingMessage } from '@clinic/messaging';
import { waitFor } from '@clinic/testing';
import { SCHEMA } from '../src/service';
import { BenchDatabase, NamespacedTransport, deleteRunTopics, freshDatabase, namespacedTransport, startBenchLedger, toMessages } from './bench-infra';
import { CommitObserver, quantile } from './commit-observer';
import { naiveChargeCount, prepareNaiveSchema, runNaiveBaseline } from './naive-baseline';
import { opsRebuild, replayRebuild } from './replay-rebuild';
import { ConnectionSampler, CpuMeter } from './where-time-goes';

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

const settings = {
  leads: intFromEnv('BENCH_LEADS', 50_000, 1),
  clinics: intFromEnv('BENCH_CLINICS', 200, 1),
  naiveLeads: intFromEnv('BENCH_NAIVE_LEADS', 5_000, 1),
  naiveWorkers: intFromEnv('BENCH_NAIVE_WORKERS', 3, 1),
  latencyRate: intFromEnv('BENCH_LATENCY_RATE', 1_000, 1),
  latencySeconds: intFromEnv('BENCH_LATENCY_SECONDS', 10, 1),
  publishChunk: 2_000,
};

/** Package prices (paise) across the six tiers, so charges cost 100..500 credits. */
const PACKAGE_PRICES = [300_000, 1_000_000, 2_000_000, 4_500_000, 8_000_000, 15_000_000];
const MAX_LEAD_COST = 500;

const progress = (line: string) => process.stderr.write(`  … ${line}\n`);
const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const oneDecimal = (ms: number) => Math.round(ms * 10) / 10;

function leadCreated(clinicId: string, index: number): Event<'LeadCreated'> {
  return createEvent(
    'LeadCreated',
    {
      leadId: randomUUID(),
      clinicId,
      packageId: `pkg-${index % PACKAGE_PRICES.length}`,
      packagePricePaise: PACKAGE_PRICES[index % PACKAGE_PRICES.length],
      source: 'marketplace',
      createdAt: new Date().toISOString(),
    },
    { producer: 'lead-intake', clinicId },
  );
}

function paymentVerified(clinicId: string, credits: number): Event<'PaymentVerified'> {
  const paymentId = `pay_bench_${randomBytes(6).toString('hex')}`;
  return createEvent(
    'PaymentVerified',
    { paymentId, orderId: `order_${paymentId}`, clinicId, credits, amountPaise: credits * 100, currency: 'INR', verifiedVia: 'webhook', verifiedAt: new Date().toISOString() },
    { producer: 'payments', clinicId },
  );
}

/** `count` leads spread round-robin over the clinics (a clinic's leads stay in order on its partition). */
function leadsFor(clinicIds: string[], count: number, offset = 0): Array<Event<'LeadCreated'>> {
  return Array.from({ length: count }, (_, i) => leadCreated(clinicIds[(offset + i) % clinicIds.length], offset + i));
}

async function publishInChunks(publisher: NamespacedTransport, messages: OutgoingMessage[], chunk: number): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk) await publisher.publish(messages.slice(i, i + chunk));
}

async function countRows(client: Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ count: number }>(sql, params);
  return Number(rows[0].count);
}

const countOf = (client: Client, transactionType: string) =>
  countRows(client, 'SELECT count(*)::int AS count FROM credit_transactions WHERE transaction_type = $1', [transactionType]);

export async function runBenchmark(): Promise<number> {
  const runId = randomBytes(4).toString('hex');
  const prefix = `bench-${runId}.`;
  const brokers = process.env.KAFKA_BROKERS?.split(',').map((broker) => broker.trim()).filter(Boolean);
  let database: BenchDatabase | null = null;
  let ledger: Awaited<ReturnType<typeof startBenchLedger>> | null = null;
  let publisher: NamespacedTransport | null = null;
  let probe: Client | null = null;
  let observer: CommitObserver | null = null;
  // Printed after cleanup, so the RESULT line is the very last line of the run.
  const report: string[] = [];
  const log = (line = '') => void report.push(line);
  try {
    database = await freshDatabase();
    progress(`database: ${database.origin}`);
    ledger = await startBenchLedger(database.url, prefix, runId);
    const transportKind = brokers && brokers.length > 0 ? `Kafka ${brokers.join(',')}` : 'embedded Postgres event log';
    progress(`ledger up; transport: ${transportKind}; topics prefixed "${prefix}"`);
    publisher = namespacedTransport('ledger-bench-publisher', ledger.config, prefix);
    await publisher.ensureTopics([TOPICS.leads, TOPICS.payments]);
    probe = new Client({ connectionString: database.url, application_name: 'ledger-bench-probe', options: `-c search_path=${SCHEMA},public` });
    await probe.connect();
    const db = probe;

    // 1. Pre-fund every clinic through the ledger's own path: PaymentVerified on payments.v1.
    const clinicIds = Array.from({ length: settings.clinics }, (_, i) => `bench-clinic-${String(i + 1).padStart(4, '0')}`);
    const latencyLeads = settings.latencyRate * settings.latencySeconds;
    const leadsPerClinic = Math.ceil((settings.leads + latencyLeads) / settings.clinics);
    const fundingEach = leadsPerClinic * MAX_LEAD_COST + 10_000;
    const fundingStarted = performance.now();
    await publisher.publish(toMessages(clinicIds.map((clinicId) => paymentVerified(clinicId, fundingEach)) as AnyEvent[]));
    await waitFor(async () => (await countOf(db, 'purchase')) === settings.clinics, { timeoutMs: 120_000, intervalMs: 50, description: 'every clinic funded' });
    progress(`${settings.clinics} clinics funded with ${fundingEach} credits each in ${seconds(performance.now() - fundingStarted)} (includes the consumer joining its group)`);

    // 2. Throughput: N leads through the consumer on the real transport.
    // Progress is read from clinic_balances (200 rows, updated in the charging transaction): counting
    // the growing stream every 20 ms would itself cost Postgres a noticeable share of 2 cores.
    const processedBefore = await countRows(db, 'SELECT coalesce(sum(version), 0)::int AS count FROM clinic_balances');
    const cpu = new CpuMeter(database.dataDir, brokers?.length ? Number(brokers[0].slice(brokers[0].lastIndexOf(':') + 1)) : null);
    const sampler = new ConnectionSampler(ledger.config.service);
    const cpuBefore = cpu.snapshot();
    const leads = leadsFor(clinicIds, settings.leads);
    const messages = toMessages(leads as AnyEvent[]);
    progress(`publishing ${settings.leads} LeadCreated events...`);
    const throughputStarted = performance.now();
    let publishedAt = 0;
    const publishing = publishInChunks(publisher, messages, settings.publishChunk).then(() => (publishedAt = performance.now()));
    let lastReport = throughputStarted;
    await waitFor(
      async () => {
        const processed = (await countRows(db, 'SELECT coalesce(sum(version), 0)::int AS count FROM clinic_balances')) - processedBefore;
        await sampler.sample(db);
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          progress(`${processed}/${settings.leads} processed after ${seconds(lastReport - throughputStarted)}`);
        }
        return processed >= settings.leads;
      },
      { timeoutMs: Math.max(180_000, settings.leads * 5), intervalMs: 20, description: `${settings.leads} charges committed` },
    );
    const throughputMs = performance.now() - throughputStarted;
    const cpuAfter = cpu.snapshot();
    await publishing;
    const charged = await countOf(db, 'deduction');
    if (charged !== settings.leads) throw new Error(`expected ${settings.leads} charges, the stream has ${charged}`);
    const declined = await countOf(db, 'charge_declined');
    // inbox.handled_at is now() of the consuming transaction: one distinct value per consumed batch.
    const { rows: batchRows } = await db.query<{ batches: number; largest: number }>(
      `SELECT count(*)::int AS batches, max(size)::int AS largest FROM (SELECT count(*) AS size FROM inbox GROUP BY handled_at) b`,
    );
    const consumed = batchRows[0];
    const chargesPerSecond = rate(settings.leads, throughputMs);

    // The relay publishes the ledger's own events (CreditsDeducted → ledger.v1) behind the charges: let it drain before measuring latency.
    const relayStarted = performance.now();
    await waitFor(async () => (await countRows(db, 'SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL')) === 0, {
      timeoutMs: 300_000, intervalMs: 50, description: 'the outbox relay to drain',
    });
    const relayDrainMs = performance.now() - relayStarted;
    const outboxRows = await countRows(db, 'SELECT count(*)::int AS count FROM outbox');

    // 3. Latency at a steady rate.
    observer = new CommitObserver(database.url, SCHEMA);
    await observer.start();
    const watcher = observer;
    const paced = leadsFor(clinicIds, latencyLeads, settings.leads);
    progress(`latency: ${settings.latencyRate} leads/s for ${settings.latencySeconds} s...`);
    const latencyCpuBefore = cpu.snapshot();
    const pacedStarted = performance.now();
    let sent = 0;
    let publishCalls = 0;
    while (sent < paced.length) {
      const due = Math.min(paced.length, Math.floor(((performance.now() - pacedStarted) / 1000) * settings.latencyRate)) - sent;
      if (due <= 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const batch = paced.slice(sent, sent + due);
      watcher.expect(batch.map((lead) => lead.payload.leadId), Date.now());
      await publisher.publish(toMessages(batch as AnyEvent[]));
      publishCalls++;
      sent += due;
    }
    const pacedPublishMs = performance.now() - pacedStarted;
    await waitFor(() => watcher.outstanding === 0, { timeoutMs: 60_000, intervalMs: 10, description: 'every paced lead charged' });
    const latencyCpuAfter = cpu.snapshot();
    await observer.stop();
    const commitLatencies = observer.samples.map((sample) => sample.commitMs);
    const decisionLatencies = observer.samples.map((sample) => sample.decisionMs);
    const p50 = quantile(commitLatencies, 0.5);
    const p99 = quantile(commitLatencies, 0.99);

    // 4. The naive straw man over the same Postgres, ledger idle.
    progress(`naive baseline: ${settings.naiveLeads} leads, one transaction each, ${settings.naiveWorkers} workers...`);
    await prepareNaiveSchema(database.url, SCHEMA, clinicIds, fundingEach);
    const naiveLeads = leadsFor(clinicIds, settings.naiveLeads);
    const naiveCpuBefore = cpu.snapshot();
    const naiveMs = await runNaiveBaseline(database.url, naiveLeads, settings.naiveWorkers);
    const naiveCpuAfter = cpu.snapshot();
    const naiveWritten = await naiveChargeCount(database.url);
    if (naiveWritten !== settings.naiveLeads) throw new Error(`naive baseline wrote ${naiveWritten} charges, expected ${settings.naiveLeads}`);
    const naivePerSecond = rate(settings.naiveLeads, naiveMs);

    // 5. Rebuild over the whole stream.
    progress('rebuild: replaying the stream into fresh read-model tables...');
    const rebuild = await replayRebuild(database.url, SCHEMA);
    const replayPerSecond = rate(rebuild.rows, rebuild.elapsedMs);
    progress('rebuild: the ledger\'s own rebuild (apps/ledger/src/ops), if present...');
    const ops = await opsRebuild(ledger.svc.database, ledger.config.lowBalanceThreshold);
    const rebuildPerSecond = ops ? rate(ops.transactions, ops.elapsedMs) : replayPerSecond;

    const totals = await db.query<{ deductions: number; balance: number }>(
      `SELECT (SELECT count(*)::int FROM credit_transactions WHERE transaction_type = 'deduction') AS deductions,
              (SELECT sum(balance)::bigint FROM clinic_balances) AS balance`,
    );

    log();
    log('Ledger benchmark (issue 3)');
    log('==========================');
    log(`machine      : ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} — shared with other engineers' test runs`);
    log(`database     : ${database.origin}`);
    log(`transport    : ${transportKind} (topics "${prefix}*", group ledger-bench-${runId}; ledger, publisher and Postgres on this machine)`);
    log(`workload     : ${settings.clinics} clinics, each funded via PaymentVerified; leads round-robin over clinics, tiers T1..T6`);
    log();
    log(`throughput   : ${settings.leads} LeadCreated → ${settings.leads} CreditsDeducted committed in ${seconds(throughputMs)} = ${chargesPerSecond} charges/s`);
    log(`               (first publish → last charge row visible, polled every 20 ms; publishing took ${seconds(publishedAt - throughputStarted)}; declines: ${declined})`);
    log(`               ${CpuMeter.describe(cpuBefore, cpuAfter)}`);
    log('               ledger DB connections (pg_stat_activity, sampled every ~20 ms):');
    for (const line of sampler.report()) log(`               ${line}`);
    log(`consumer     : ${consumed.batches} batch transactions so far (funding + throughput), ${Math.round((settings.leads + settings.clinics) / consumed.batches)} events per batch on average, largest ${consumed.largest}`);
    log(`outbox relay : ${outboxRows} ledger events in the outbox; backlog drained ${seconds(relayDrainMs)} after the last charge`);
    log(`latency      : ${observer.samples.length} leads at ${settings.latencyRate}/s (${publishCalls} publish calls over ${seconds(pacedPublishMs)})`);
    log(`               publish → charge committed: p50 ${oneDecimal(p50)} ms, p99 ${oneDecimal(p99)} ms, max ${oneDecimal(quantile(commitLatencies, 1))} ms`);
    log(`               publish → ledger decision (row created_at, before COMMIT): p50 ${oneDecimal(quantile(decisionLatencies, 0.5))} ms, p99 ${oneDecimal(quantile(decisionLatencies, 0.99))} ms`);
    log(`               ${CpuMeter.describe(latencyCpuBefore, latencyCpuAfter)}`);
    log(`               method: publish time = just before transport.publish(); commit time = first query that sees the charge row,`);
    log(`               run on each NOTIFY of the ledger's outbox (delivered at COMMIT) or every 20 ms — an upper bound on commit time`);
    log(`naive (straw man): ${settings.naiveLeads} leads, one transaction per lead, ${settings.naiveWorkers} workers, in ${seconds(naiveMs)} = ${naivePerSecond} charges/s`);
    log(`               ${CpuMeter.describe(naiveCpuBefore, naiveCpuAfter)}`);
    log(`               ledger / naive = ${(chargesPerSecond / naivePerSecond).toFixed(1)}×`);
    if (ops) {
      log(`rebuild      : the ledger's rebuildReadModels (apps/ledger/src/ops/rebuild.ts): ${ops.transactions} transactions in ${seconds(ops.elapsedMs)} = ${rebuildPerSecond} tx/s`);
      log(`               read models after vs before: balances ${ops.balanceMismatches} rows differ, pending ${ops.pendingMismatches}  [this is the RESULT figure]`);
    } else {
      log('rebuild      : no ops CLI in apps/ledger/src/ops: the RESULT figure is the bench replay below');
    }
    log(`replay       : bench Node-side fold: ${rebuild.rows} stream rows of ${rebuild.clinics} clinics read, folded with toLedgerEvent + evolveSummary`);
    log(`               and written to fresh tables in ${seconds(rebuild.elapsedMs)} = ${replayPerSecond} tx/s; differences from live: balances ${rebuild.balanceMismatches}, pending ${rebuild.pendingMismatches}`);
    log(`state check  : ${totals.rows[0].deductions} deductions in the stream, total balance ${totals.rows[0].balance} credits`);
    log(`targets      : ≥ 20000 charges/s, ≥ 5× naive, p99 < 50 ms at 1k/s, rebuild ≥ 100000 tx/s`);
    log(`RESULT charges_per_s=${chargesPerSecond} naive_per_s=${naivePerSecond} p50_ms_at_1k=${oneDecimal(p50)} p99_ms_at_1k=${oneDecimal(p99)} rebuild_per_s=${rebuildPerSecond}`);
  } finally {
    await observer?.stop();
    await probe?.end().catch(() => undefined);
    await publisher?.close().catch(() => undefined);
    await ledger?.svc.close().catch((error: unknown) => process.stderr.write(`ledger close failed: ${String(error)}\n`));
    const deleted = await deleteRunTopics(brokers, prefix).catch((error: unknown) => {
      process.stderr.write(`could not delete the run's topics (prefix ${prefix}): ${String(error)}\n`);
      return [];
    });
    if (deleted.length > 0) progress(`deleted ${deleted.length} bench topics`);
    await database?.dispose().catch(() => undefined);
  }
  process.stdout.write(report.map((line) => `${line}\n`).join(''));
  return 0;
}
