// The system's processes, shared by `npm start` (tools/start/start.ts) and the whole-system e2e
// harness (e2e/): which services exist, how a compiled service is started as a child process,
// how to tell it is ready and how to stop it.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

export interface ProcessDefinition {
  name: string;
  /** The environment variable holding its port, and the port `npm start` uses. */
  portVariable: string;
  defaultPort: number;
  /** Compiled entry point, relative to the repository root. */
  main: string;
  /** Path answering 200 once the process can serve; null = any HTTP answer will do. */
  readyPath: string | null;
}

export const SERVICES: readonly ProcessDefinition[] = [
  { name: 'lead-intake', portVariable: 'LEAD_INTAKE_PORT', defaultPort: 3001, main: 'dist/apps/lead-intake/src/main.js', readyPath: '/health/ready' },
  { name: 'ledger', portVariable: 'LEDGER_PORT', defaultPort: 3002, main: 'dist/apps/ledger/src/main.js', readyPath: '/health/ready' },
  { name: 'payments', portVariable: 'PAYMENTS_PORT', defaultPort: 3003, main: 'dist/apps/payments/src/main.js', readyPath: '/health/ready' },
  { name: 'disputes', portVariable: 'DISPUTES_PORT', defaultPort: 3004, main: 'dist/apps/disputes/src/main.js', readyPath: '/health/ready' },
];

export const RAZORPAY_SIMULATOR: ProcessDefinition = {
  name: 'razorpay-simulator',
  portVariable: 'RAZORPAY_SIMULATOR_PORT',
  defaultPort: 3005,
  main: 'dist/apps/razorpay-simulator/src/main.js',
  readyPath: null,
};

export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (nx.json) above ${from}`);
    dir = parent;
  }
  return dir;
}

export interface RunningProcess {
  definition: ProcessDefinition;
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  hasExited(): boolean;
}

/**
 * Starts a compiled process: `node -r dist/tools/register-paths.js <main>` with `env` (on top of
 * nothing but PATH/HOME-style basics the caller passes), each output line handed to `onLine`.
 */
export function startProcess(definition: ProcessDefinition, port: number, env: NodeJS.ProcessEnv, onLine: (line: string, stream: 'stdout' | 'stderr') => void): RunningProcess {
  const child = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'dist/tools/register-paths.js'), path.join(REPO_ROOT, definition.main)], {
    cwd: REPO_ROOT,
    env: { ...env, [definition.portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  readline.createInterface({ input: child.stdout! }).on('line', (line) => onLine(line, 'stdout'));
  readline.createInterface({ input: child.stderr! }).on('line', (line) => onLine(line, 'stderr'));
  return { definition, port, url: `http://127.0.0.1:${port}`, child, exited, hasExited: () => done };
}

/** Waits until the process answers its ready path; fails early if it exits first. */
export async function waitUntilReady(running: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (running.hasExited()) throw new Error(`${running.definition.name} exited (${await running.exited}) before it was ready`);
    try {
      const response = await fetch(`${running.url}${running.definition.readyPath ?? '/'}`, { signal: AbortSignal.timeout(2000) });
      if (running.definition.readyPath === null || response.ok) return;
      lastProblem = `${running.definition.readyPath} answered ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${running.definition.name} was not ready after ${timeoutMs} ms (${lastProblem})`);
}

/** SIGTERM (the services close their servers, consumers and pools), SIGKILL after `graceMs`. */
export async function stopProcess(running: RunningProcess, graceMs = 10_000): Promise<void> {
  if (running.hasExited()) return;
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
  await running.exited;
  clearTimeout(timer);
}

export function missingBuilds(definitions: readonly ProcessDefinition[]): ProcessDefinition[] {
  return definitions.filter((definition) => !fs.existsSync(path.join(REPO_ROOT, definition.main)));
}
