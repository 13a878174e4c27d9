import { TOPICS } from '@clinic/contracts';
import { MessagingModule, connectEventBus } from '@clinic/messaging';
import { ServiceDefinition } from '@clinic/platform';
import { AdjustmentsModule } from './adjustments/adjustments.module';
import { BalanceModule } from './balance/balance.module';
import { ChargingModule } from './charging/charging.module';
import { LedgerConfig } from './config';
import { MIGRATIONS } from './migrations';
import { PendingLeadsModule } from './pending-leads/pending-leads.module';
import { PricingModule } from './pricing/pricing.module';
import { RefundsModule } from './refunds/refunds.module';
import { ThresholdsModule } from './thresholds/thresholds.module';
import { TopUpModule } from './top-up/top-up.module';
import { TransactionsModule } from './transactions/transactions.module';

export const SCHEMA = 'ledger';
export const CONSUMER_GROUP = 'ledger';

/** Everything that makes up the ledger service; main.ts runs it, tests create it in-process. */
export function ledgerService(config: LedgerConfig, options: { consume?: boolean } = {}): ServiceDefinition<LedgerConfig> {
  const consume = options.consume ?? true;
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Credit ledger API',
    imports: [
      MessagingModule.forRoot({
        service: 'ledger',
        consume: consume ? { groupId: CONSUMER_GROUP, topics: [TOPICS.leads, TOPICS.payments, TOPICS.disputes] } : undefined,
        relayBatchSize: 1000,
        // Retries of a failing batch, then one event at a time; the one that still fails goes to the DLQ.
        maxAttempts: 3,
        backoffMs: 50,
      }),
      ChargingModule,
      TopUpModule,
      RefundsModule,
      BalanceModule,
      TransactionsModule,
      PendingLeadsModule,
      PricingModule,
      AdjustmentsModule,
      ThresholdsModule,
    ],
    beforeListen: (app) => connectEventBus(app),
  };
}
