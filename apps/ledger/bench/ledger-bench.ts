/**
 * `npx tsx apps/ledger/bench/ledger-bench.ts` — the ledger benchmark of issue 3 (see README.md).
 *
 * Nest's dependency injection reads the constructor types TypeScript emits as decorator metadata;
 * tsx (esbuild) does not emit it, so this entry re-runs itself under ts-node (transpile-only),
 * which does, and the benchmark itself lives in run-benchmark.ts.
 */
import { spawn } from 'child_process';
import * as path from 'path';

const CHILD_FLAG = 'LEDGER_BENCH_CHILD';

function runInChild(): void {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the run (open it in Chrome DevTools) to see where the time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, '-r', require.resolve('ts-node/register/transpile-only'), '-r', path.join(__dirname, 'register-paths.ts'), __filename],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, [CHILD_FLAG]: '1', TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.json') },
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.env[CHILD_FLAG] === '1') {
  // Loaded only here, so the parent process never pulls in Nest without decorator metadata.
  const { runBenchmark } = require('./run-benchmark') as typeof import('./run-benchmark');
  runBenchmark().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  runInChild();
}
