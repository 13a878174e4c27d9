import { chargedLeadToRefundedDispute, ledgerCrashLosesNothing } from './scenarios';
import { startSystem, System } from './system';
import { onePaymentCreditedOnce, refusedPaymentsCreditNothing } from './top-up-scenarios';

// Kafka mode: every service its own process, events on Apache Kafka. Without KAFKA_BROKERS this fails with how to get a broker.
describe('the whole system on the real Kafka broker (KAFKA_BROKERS)', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem('kafka');
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
