import { chargedLeadToRefundedDispute, ledgerCrashLosesNothing } from './scenarios';
import { Mode, startSystem, System } from './system';
import { onePaymentCreditedOnce, refusedPaymentsCreditNothing } from './top-up-scenarios';

/** The whole-system suite; each mode's spec file runs it on its transport. */
export function describeWholeSystem(mode: Mode, title: string): void {
  describe(title, () => {
    let system: System;
    beforeAll(async () => {
      system = await startSystem(mode);
    });
    afterAll(async () => {
      await system?.stop();
    });

    it('every service answers /health/ready with its database and broker up, /health/live and /metrics', async () => {
      for (const service of ['lead-intake', 'ledger', 'payments', 'disputes'] as const) {
        const ready = await fetch(`${system.url(service)}/health/ready`);
        expect({ service, status: ready.status, body: await ready.json() }).toEqual({
          service,
          status: 200,
          body: { status: 'ready', checks: { database: 'up', broker: 'up' } },
        });
        expect((await fetch(`${system.url(service)}/health/live`)).status).toBe(200);
        expect(await (await fetch(`${system.url(service)}/metrics`)).text()).toContain('events_handled_total');
      }
    });

    it('top-up → leads charged by tier → balance short → pending → top-up → released → dispute → partial refund', async () => {
      await chargedLeadToRefundedDispute(system);
    });

    it('checkout verify + webhook + retried webhook + order.paid for one payment → credited once', async () => {
      await onePaymentCreditedOnce(system);
    });

    it('tampered signature, another clinic, amount or currency mismatch, replayed signature → 4xx, no balance changed', async () => {
      await refusedPaymentsCreditNothing(system);
    });

    it('kill -9 the ledger mid-stream: no lead lost, none charged twice', async () => {
      await ledgerCrashLosesNothing(system);
    });
  });
}
