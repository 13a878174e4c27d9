import * as os from 'os';
import * as path from 'path';
// Global setup runs outside jest's moduleNameMapper, so the alias cannot resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmbeddedPostgres } from '../../local-postgres/src';
import { freePort } from './ports';

declare global {
  var __TEST_POSTGRES__: { stop(): Promise<void> } | undefined;
}

/**
 * Runs once per jest run (in the parent process): without DATABASE_URL it starts one real,
 * throwaway PostgreSQL server; workers inherit its URL and create a database per test file.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL || globalThis.__TEST_POSTGRES__) return;
  const port = await freePort();
  const dataDir = path.join(os.tmpdir(), `clinic-credits-test-pg-${process.pid}-${port}`);
  const server = await startEmbeddedPostgres({ dataDir, port, persistent: false });
  globalThis.__TEST_POSTGRES__ = server;
  process.env.DATABASE_URL = server.url;
}
