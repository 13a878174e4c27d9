// Issue 5's "a new user following only the README gets from clone to a charged, disputed and
// refunded lead": `npm start`'s launcher on an empty data folder, then the walkthrough's bash block
// from docs/running.md exactly as written; Ctrl-C stops everything cleanly, and a second start
// finds the data. The embedded default only (that is what `npm start` is). Ports are free ones,
// passed through the variables the launcher and the walkthrough already read.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { signToken } from '@clinic/auth';
import { DEV_JWT_SECRET } from '@clinic/platform';
import { freePort, waitFor } from '@clinic/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RAZORPAY_SIMULATOR, REPO_ROOT, SERVICES } from '../../tools/start/processes';
import { expectStatus } from './system';

const WALKTHROUGH_HEADING = '### From nothing to a charged, disputed and refunded lead';

/** The first ```sh block under the walkthrough's heading in docs/running.md. */
function walkthroughScript(): string {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/running.md'), 'utf8');
  const section = doc.slice(doc.indexOf(WALKTHROUGH_HEADING));
  const block = /```(?:sh|bash)\n([\s\S]*?)```/.exec(section);
  if (doc.indexOf(WALKTHROUGH_HEADING) < 0 || !block) throw new Error(`docs/running.md has no bash block under "${WALKTHROUGH_HEADING}"`);
  return block[1];
}

const isPortOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
  });

interface Launcher {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | string>;
}

/** `node dist/tools/start/start.js` (what `npm start` runs after its build), up once it says so. */
async function startLauncher(env: NodeJS.ProcessEnv): Promise<Launcher> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/tools/start/start.js')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  readline.createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  readline.createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const up = waitFor(() => output.some((line) => line.startsWith('The system is up')), { timeoutMs: 120_000, intervalMs: 100, description: 'npm start: "The system is up"' });
  const failed = exited.then((code) => new Error(`npm start exited (${code}) before the system was up`));
  const outcome = await Promise.race([up, failed]).catch((error: Error) => error);
  if (outcome instanceof Error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    throw new Error(`${outcome.message}\n--- launcher output:\n${output.slice(-40).join('\n')}`);
  }
  return { child, output, exited };
}

/** Ctrl-C: the launcher stops the services, then PostgreSQL, and exits with its code. */
async function interrupt(launcher: Launcher): Promise<number | string> {
  launcher.child.kill('SIGINT');
  return launcher.exited;
}

function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the README walkthrough on `npm start` (embedded default)', () => {
  // A folder that does not exist yet, as on a fresh clone (not mkdtemp: its 0700 folder keeps
  // out the unprivileged user initdb runs as under root).
  const dataDir = path.join(os.tmpdir(), `clinic-readme-pg-${process.pid}-${Date.now()}`);
  let launcher: Launcher | undefined;

  afterAll(async () => {
    // Only when a step failed half-way: stop what is still running the same way a user would.
    if (launcher && launcher.child.exitCode === null && launcher.child.signalCode === null) await interrupt(launcher);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('clone → npm start → charged, disputed and refunded lead; Ctrl-C stops cleanly; data survives a restart', async () => {
    const pgPort = await freePort();
    const ports = new Map<string, number>();
    for (const definition of [...SERVICES, RAZORPAY_SIMULATOR]) ports.set(definition.name, await freePort());
    const url = (name: string) => `http://127.0.0.1:${ports.get(name)}`;
    // A new user's shell: no DATABASE_URL, KAFKA_BROKERS, JWT_SECRET or NODE_ENV from this test process.
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    const launcherEnv: NodeJS.ProcessEnv = {
      ...base,
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      GATEWAY_PORT: String(await freePort()),
      ...Object.fromEntries([...SERVICES, RAZORPAY_SIMULATOR].map((d) => [d.portVariable, String(ports.get(d.name))])),
    };

    launcher = await startLauncher(launcherEnv);
    expect(await isPortOpen(pgPort)).toBe(true);

    const walkthrough = await runBash(
      walkthroughScript(),
      {
        ...base,
        LEAD_INTAKE_URL: url('lead-intake'),
        LEDGER_URL: url('ledger'),
        PAYMENTS_URL: url('payments'),
        DISPUTES_URL: url('disputes'),
        RAZORPAY_SIMULATOR_URL: url('razorpay-simulator'),
      },
      120_000,
    );
    const report = `exit ${walkthrough.code}\n--- stdout:\n${walkthrough.stdout}\n--- stderr:\n${walkthrough.stderr.slice(-3000)}\n--- launcher:\n${launcher.output.slice(-30).join('\n')}`;
    if (walkthrough.code !== 0) throw new Error(`the walkthrough failed: ${report}`);
    // Every line the walkthrough prints is one JSON answer; read them in order.
    const answers = walkthrough.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
    const last = answers.length - 1;
    expect(answers[last]).toMatchObject({ clinicId: 'clinic-1', balance: 950, lifetimePurchased: 1_000, lifetimeSpent: 200, lifetimeRefunded: 150 });
    expect(answers[last - 1]).toMatchObject({ status: 'refunded', refundAmount: 150, refundedAmount: 150, resolvedAt: expect.any(String) });
    expect(answers[last - 2]).toMatchObject({ status: 'approved', refundAmount: 150 });
    expect(answers).toContainEqual(expect.objectContaining({ status: 'released', creditsCharged: 200, contact: expect.objectContaining({ phone: '+919876543210' }) }));
    expect(answers).toContainEqual(expect.objectContaining({ clinicId: 'clinic-1', balance: 1_000 }));

    // Ctrl-C: exit code 0, every process gone, PostgreSQL stopped (its port closed).
    expect(await interrupt(launcher)).toBe(0);
    expect(launcher.output).toContainEqual(expect.stringContaining('stopped'));
    for (const port of [pgPort, ...ports.values()]) expect(await isPortOpen(port)).toBe(false);

    // npm start again on the same data folder: the books are still there.
    launcher = await startLauncher(launcherEnv);
    const clinic = signToken({ role: 'clinic', clinicId: 'clinic-1' }, DEV_JWT_SECRET);
    expect(await expectStatus(200, 'GET', `${url('ledger')}/clinics/clinic-1/balance`, clinic)).toMatchObject({ balance: 950 });
    const history = await expectStatus(200, 'GET', `${url('ledger')}/clinics/clinic-1/transactions`, clinic);
    expect(history.items.map((t: any) => [t.type, t.amount, t.balanceAfter])).toEqual([
      ['refund', 150, 950],
      ['deduction', -200, 800],
      ['purchase', 1_000, 1_000],
    ]);
    expect(await interrupt(launcher)).toBe(0);
    expect(await isPortOpen(pgPort)).toBe(false);
  }, 300_000);
});
