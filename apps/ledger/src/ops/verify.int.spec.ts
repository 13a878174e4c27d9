import { execFile } from 'child_process';
import * as path from 'path';
import { Client } from 'pg';
import { LedgerHarness, startLedger, upstream } from '../test/ledger-harness';
import { runCli } from './cli';

describe('the stream is append-only and verify finds tampering (real Postgres)', () => {
  let ledger: LedgerHarness;
  let sql: Client;
  beforeAll(async () => {
    ledger = await startLedger({}, { consume: false });
    sql = new Client({ connectionString: ledger.testDb.url });
    await sql.connect();
    await sql.query('SET search_path = ledger');
    const lead = upstream.leadCreated('clinic-v');
    await ledger.db.transaction((tx) =>
      ledger.batch.applyEvents(tx, [upstream.paymentVerified('clinic-v', 500), lead, upstream.leadCreated('clinic-v', { packagePricePaise: 10_000_000 }), upstream.leadCreated('clinic-w')]),
    );
    await ledger.db.transaction((tx) => ledger.batch.applyEvents(tx, [upstream.disputeApproved('clinic-v', lead.payload.leadId, 40), upstream.paymentVerified('clinic-w', 100)]));
  });
  afterAll(async () => {
    await sql?.end();
    await ledger?.close();
  });

  const verify = async () => {
    const out: string[] = [];
    const code = await runCli(['verify'], { out: (line) => out.push(line), err: (line) => out.push(line), progress: false }, ledger.testDb.url);
    return { code, out: out.join('\n') };
  };

  it.each([
    ['UPDATE credit_transactions SET amount = amount + 1000'],
    ['DELETE FROM credit_transactions'],
    ['TRUNCATE credit_transactions'],
  ])('a plain SQL client cannot %s', async (statement) => {
    await expect(sql.query(statement)).rejects.toThrow(/append-only/);
    const { rows } = await sql.query('SELECT count(*)::int AS n, sum(amount)::int AS total FROM credit_transactions');
    expect(rows[0]).toEqual({ n: 7, total: 500 - 100 + 40 + 100 - 100 }); // clinic-w's top-up charges its waiting lead
  });

  it('verify passes on an intact ledger', async () => {
    const { code, out } = await verify();
    expect(out).toMatch(/verify: 7 transactions in 2 clinics: OK/);
    expect(code).toBe(0);
  });

  it('runs as a command (tsx apps/ledger/src/ops/cli.ts verify): exit 0 and the report on stdout', async () => {
    const root = path.resolve(__dirname, '../../../..');
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(path.join(root, 'node_modules/.bin/tsx'), ['apps/ledger/src/ops/cli.ts', 'verify'], { cwd: root, env: { ...process.env, DATABASE_URL: ledger.testDb.url } }, (error, stdout) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    expect(result.stdout).toMatch(/verify: 7 transactions in 2 clinics: OK/);
    expect(result.code).toBe(0);
  });

  it('verify reports a row changed behind the trigger\'s back, with a non-zero exit code', async () => {
    await sql.query('BEGIN');
    await sql.query('SET LOCAL session_replication_role = replica');
    await sql.query(`UPDATE credit_transactions SET amount = amount - 60, balance_after = balance_after - 60 WHERE clinic_id = 'clinic-v' AND transaction_type = 'purchase'`);
    await sql.query('COMMIT');
    const { code, out } = await verify();
    expect(code).not.toBe(0);
    expect(out).toMatch(/BROKEN clinic clinic-v v1 .*hash mismatch/);
    expect(out).toMatch(/BROKEN clinic clinic-v v2 .*balance_after 400 does not follow from the previous 440/);
    expect(out).toMatch(/BROKEN clinic clinic-v: read model balance is 440, the stream says 380/);
    expect(out).not.toMatch(/clinic-w/);
  });

  it('refuses an unknown command with a usage line', async () => {
    const out: string[] = [];
    expect(await runCli(['frobnicate'], { out: (line) => out.push(line), err: (line) => out.push(line), progress: false }, ledger.testDb.url)).toBe(64);
    expect(out.join('\n')).toMatch(/usage: ledger-ops <rebuild\|verify>/);
  });
});
