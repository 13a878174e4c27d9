import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { DEV_RAZORPAY_CREDENTIALS } from '@clinic/razorpay-simulator';
import { freePort, waitFor } from '@clinic/testing';

// The standalone process `npm start` runs: boots from env, answers Razorpay's API, stops on SIGTERM.
describe('razorpay-simulator main', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it('serves orders with Basic auth on RAZORPAY_SIMULATOR_PORT and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'main.ts')], {
      env: { ...process.env, RAZORPAY_SIMULATOR_PORT: String(port) },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, { description: 'the simulator to answer' });
    const auth = `Basic ${Buffer.from(`${DEV_RAZORPAY_CREDENTIALS.keyId}:${DEV_RAZORPAY_CREDENTIALS.keySecret}`).toString('base64')}`;
    const created = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 500000, currency: 'INR', receipt: 'r-1' }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ amount: 500000, currency: 'INR', status: 'created' });
    expect((await fetch(`${base}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad setting with one line naming it', async () => {
    const { spawnSync } = await import('child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'main.ts')], {
      env: { ...process.env, RAZORPAY_SIMULATOR_PORT: 'x' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr.trim()).toMatch(/^Invalid configuration: RAZORPAY_SIMULATOR_PORT /);
  });
});
