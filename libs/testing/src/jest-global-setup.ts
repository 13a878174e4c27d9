import * as os from 'os';
import * as path from 'path';
import { startEmbeddedPostgres } from '../../platform/src/embedded-postgres';
import { freePort } from './ports';

declare global {
  // eslint-disable-next-line no-var
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
