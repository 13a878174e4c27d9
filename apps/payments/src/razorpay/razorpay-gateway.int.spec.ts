import { BadGatewayException } from '@nestjs/common';
import { createLogger } from '@clinic/observability';
import { freePort } from '@clinic/testing';
import { RunningRazorpaySimulator, startRazorpaySimulator } from '@clinic/razorpay-simulator';
import type { PaymentsConfig } from '../config';
import { RazorpayGateway } from './razorpay-gateway';

const credentials = { keyId: 'rzp_test_gatewayspec', keySecret: 'gateway-spec-key-secret-01', webhookSecret: 'gateway-spec-webhook-secret' };
const gateway = (apiBaseUrl: string, keySecret = credentials.keySecret) =>
  new RazorpayGateway({ razorpay: { ...credentials, keySecret, apiBaseUrl } } as PaymentsConfig, createLogger('payments', 'silent'));

describe('RazorpayGateway (official SDK over HTTP)', () => {
  let simulator: RunningRazorpaySimulator;
  beforeAll(async () => { simulator = await startRazorpaySimulator(credentials); });
  afterAll(async () => { await simulator.close(); });

  it('creates orders at RAZORPAY_API_BASE_URL', async () => {
    const order = await gateway(`${simulator.url}/`).createOrder({ amountPaise: 500_000, receipt: 'rcpt_gw', notes: { clinicId: 'clinic-1' } });
    expect(order).toMatchObject({ id: expect.stringMatching(/^order_/), amount: 500_000, currency: 'INR', receipt: 'rcpt_gw' });
  });

  it('turns Razorpay errors and an unreachable API into 502 without leaking the secret', async () => {
    const refused = await gateway(simulator.url, 'a-wrong-key-secret-value').createOrder({ amountPaise: 500_000, receipt: 'r', notes: {} }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadGatewayException);
    expect((refused as BadGatewayException).getResponse()).toMatchObject({ statusCode: 502, message: 'Razorpay could not create the order: Authentication failed' });

    const down = await gateway(`http://127.0.0.1:${await freePort()}`).fetchPayment('pay_nothing00000001').catch((error: unknown) => error);
    expect(down).toBeInstanceOf(BadGatewayException);
    expect(JSON.stringify((down as BadGatewayException).getResponse())).toMatch(/Razorpay could not confirm the payment: Razorpay could not be reached/);
    expect(JSON.stringify([(refused as BadGatewayException).getResponse(), (down as BadGatewayException).getResponse()])).not.toContain(credentials.keySecret);
  });
});
