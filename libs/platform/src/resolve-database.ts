import { isPortOpen, startEmbeddedPostgres, EMBEDDED_PG_PASSWORD, EMBEDDED_PG_USER } from '@clinic/local-postgres';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server when this process started it; a no-op otherwise. */
  release(): Promise<void>;
}

/**
 * DATABASE_URL when given; else the embedded PostgreSQL server (data kept under `dataDir`),
 * reused when another process of ours already runs it on `port`.
 */
export async function resolveDatabase(options: { databaseUrl?: string; dataDir: string; port: number }): Promise<ResolvedDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, release: async () => undefined };
  const url = `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${options.port}/postgres`;
  if (await isPortOpen(options.port)) return { url, embedded: true, release: async () => undefined };
  const server = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.port, persistent: true });
  return { url: server.url, embedded: true, release: () => server.stop() };
}
