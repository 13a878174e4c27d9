import { TOPICS } from '@clinic/contracts';
import { MessagingModule, connectEventBus } from '@clinic/messaging';
import { ServiceDefinition } from '@clinic/platform';
import { AdjustmentsModule } from './adjustments/adjustments.module';
import { BalanceModule } from './balance/balance.module';
import { ChargingModule } from './charging/charging.module';
import { LedgerConfig } from './config';
import { ExpiryModule } from './expiry/expiry.module';
import { MIGRATIONS } from './migrations';
import { SCHEMA } from './schema';

export { SCHEMA };
import { PendingLeadsModule } from './pending-leads/pending-leads.module';
import { PricingModule } from './pricing/pricing.module';
import { RefundsModule } from './refunds/refunds.module';
import { ThresholdsModule } from './thresholds/thresholds.module';
import { TopUpModule } from './top-up/top-up.module';
import { TransactionsModule } from './transactions/transactions.module';

export const CONSUMER_GROUP = 'ledger';

export const CONSUMED_TOPICS = [TOPICS.leads, TOPICS.payments, TOPICS.disputes];

export interface LedgerServiceOptions {
  /** false: HTTP and the outbox relay only; an object: consume other topics as another group (test isolation on a shared broker). */
  consume?: boolean | { groupId: string; topics: string[] };
}

/** Everything that makes up the ledger service; main.ts runs it, tests create it in-process. */
export function ledgerService(config: LedgerConfig, options: LedgerServiceOptions = {}): ServiceDefinition<LedgerConfig> {
  const consume = options.consume ?? true;
  const subscription = consume === true ? { groupId: config.consumerGroup ?? CONSUMER_GROUP, topics: CONSUMED_TOPICS } : consume || undefined;
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Credit ledger API',
    imports: [
      MessagingModule.forRoot({
        service: 'ledger',
        consume: subscription,
        relayBatchSize: 1000,
        // Retries of a failing batch, then one event at a time; the one that still fails goes to the DLQ.
        maxAttempts: 3,
        backoffMs: 50,
      }),
      ChargingModule,
      TopUpModule,
      RefundsModule,
      ExpiryModule,
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
