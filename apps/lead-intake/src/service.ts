import { TOPICS } from '@clinic/contracts';
import { connectEventBus, MessagingModule } from '@clinic/messaging';
import { CommonConfig, ServiceDefinition } from '@clinic/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CatalogModule } from './catalog/catalog.module';
import { ChargeOutcomeModule } from './charge-outcome/charge-outcome.module';
import { ClinicLeadsModule } from './clinic-leads/clinic-leads.module';
import { LeadIntakeConfig, LeadIntakeSettings, withDefaults } from './config';
import { ContactFormModule } from './contact-form/contact-form.module';
import { MarketplaceLeadsModule } from './marketplace-leads/marketplace-leads.module';
import { MIGRATIONS } from './migrations';
import { LeadIntakeSettingsModule } from './settings';

export const SCHEMA = 'lead_intake';

/**
 * Everything that makes up the lead-intake service; main.ts runs it, tests create it in-process.
 * Lead-intake settings missing from `config` take their defaults.
 */
export function leadIntakeService(config: CommonConfig & Partial<LeadIntakeSettings>): ServiceDefinition<LeadIntakeConfig> {
  const full = withDefaults(config);
  return {
    config: full,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Lead intake API',
    imports: [
      LeadIntakeSettingsModule.forRoot(full),
      MessagingModule.forRoot({
        service: 'lead-intake',
        consume: { groupId: full.consumerGroup, topics: [TOPICS.marketplaceLeads, TOPICS.ledger] },
        // A lead that cannot be accepted (unknown package, bad phone) fails the same way every time:
        // a few quick retries cover a catalog update racing the event, then the DLQ.
        maxAttempts: 3,
        backoffMs: 50,
      }),
      CatalogModule,
      ContactFormModule,
      MarketplaceLeadsModule,
      ChargeOutcomeModule,
      ClinicLeadsModule,
    ],
    beforeListen: async (app) => {
      // Behind a load balancer the per-IP limit must see the patient's address, not the proxy's.
      (app as NestExpressApplication).set('trust proxy', full.trustProxy);
      await connectEventBus(app);
    },
  };
}
