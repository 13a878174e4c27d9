// The test PostgreSQL server (as every project gets it), then one incremental build of dist/,
// so the suites run the code as it is now.
import { spawnSync } from 'child_process';
import * as path from 'path';
// Global setup runs outside jest's moduleNameMapper, so the alias cannot resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import postgresGlobalSetup from '../libs/testing/src/jest-global-setup';

export default async function globalSetup(): Promise<void> {
  await postgresGlobalSetup();
  const root = path.resolve(__dirname, '..');
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    // tsc still emits on type errors elsewhere; a service that cannot start says so in the suite.
    process.stderr.write(`\n[e2e] tsc -p tsconfig.build.json reported errors (running what it emitted):\n${build.stdout.slice(0, 4000)}\n`);
  }
}
