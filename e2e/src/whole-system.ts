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
