import { SingleBar, Presets } from 'cli-progress';
import { Database, env, loadConfigOrExit, resolveDatabase } from '@clinic/platform';
import { SCHEMA } from '../schema';
import { ProgressSink, rebuildReadModels } from './rebuild';
import { verifyLedger } from './verify';

const USAGE = `usage: ledger-ops <rebuild|verify>
  rebuild  recompute the balance and pending-lead read models from credit_transactions and swap them in
  verify   check every clinic's stream (versions, balances, hash chain) and read models; exit 1 on any break
env: DATABASE_URL (else the embedded PostgreSQL of npm start), LEDGER_LOW_BALANCE_THRESHOLD`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Show a progress bar (a TTY, or forced). */
  progress: boolean;
}

const MAX_LISTED = 200;

/** A progress bar on stderr for long runs (more than `minimum` units of work). */
function progressBar(enabled: boolean, label: string, unit: string, minimum: number): ProgressSink | undefined {
  if (!enabled) return undefined;
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} {unit} | {eta}s left`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let active = false;
  return {
    start: (total) => {
      active = total > minimum;
      if (active) bar.start(total, 0, { unit });
    },
    increment: (by) => active && bar.increment(by),
    stop: () => active && bar.stop(),
  };
}

/** Runs one ops command against the ledger's schema; returns the exit code. */
export async function runCli(args: string[], io: CliIo, databaseUrl?: string): Promise<number> {
  const command = args[0];
  if (command !== 'rebuild' && command !== 'verify') {
    io.err(USAGE);
    return 64;
  }
  const settings = loadConfigOrExit(() => ({
    databaseUrl: databaseUrl ?? env.url('DATABASE_URL', ['postgres', 'postgresql'], { optional: true }),
    dataDir: env.string('EMBEDDED_PG_DIR', { default: '.data/postgres' }),
    port: env.port('EMBEDDED_PG_PORT', 54320),
    threshold: env.int('LEDGER_LOW_BALANCE_THRESHOLD', { default: 500, min: 0, max: 1_000_000_000 }),
  }));
  const resolved = await resolveDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, port: settings.port });
  const db = new Database({ url: resolved.url, schema: SCHEMA, poolSize: 2, applicationName: `ledger-ops-${command}` });
  try {
    const { rows } = await db.query<{ present: boolean }>(`SELECT to_regclass('credit_transactions') IS NOT NULL AS present`);
    if (!rows[0].present) {
      io.err(`no ${SCHEMA}.credit_transactions in this database: start the ledger once to create its schema`);
      return 1;
    }
    if (command === 'rebuild') {
      const result = await rebuildReadModels(db, { defaultThreshold: settings.threshold, progress: progressBar(io.progress, 'rebuild', 'clinics', 1_000) });
      const perSecond = Math.round(result.transactions / Math.max(result.ms / 1000, 0.001));
      io.out(`rebuild: ${result.transactions} transactions, ${result.clinics} clinics, ${result.pendingLeads} pending leads in ${result.ms} ms (${perSecond} tx/s); read models swapped in`);
      return 0;
    }
    const report = await verifyLedger(db, { progress: progressBar(io.progress, 'verify', 'transactions', 10_000) });
    for (const problem of report.problems.slice(0, MAX_LISTED)) io.out(`BROKEN ${problem}`);
    if (report.problems.length > MAX_LISTED) io.out(`... and ${report.problems.length - MAX_LISTED} more`);
    io.out(`verify: ${report.transactions} transactions in ${report.clinics} clinics: ${report.ok ? 'OK' : `${report.problems.length} problem(s)`}`);
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
    await resolved.release();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), progress: Boolean(process.stderr.isTTY) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`ledger-ops failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
