import { Module } from '@nestjs/common';
import { CreditAccounts, LEDGER_CLOCK } from './credit-accounts';
import { LedgerEventBatch } from './event-batch';

/** The ledger's write path, shared by the event handlers and the admin adjustments. */
@Module({
  providers: [CreditAccounts, LedgerEventBatch, { provide: LEDGER_CLOCK, useValue: () => new Date() }],
  exports: [CreditAccounts, LedgerEventBatch, LEDGER_CLOCK],
})
export class AccountModule {}
