import { TOPICS } from '@clinic/contracts';
import { connectEventBus, MessagingModule } from '@clinic/messaging';
import { ServiceDefinition } from '@clinic/platform';
import { DisputesConfig } from './config';
import { DisputesModule } from './disputes.module';
import { MIGRATIONS } from './migrations';

export const SCHEMA = 'disputes';

/** Everything that makes up the disputes service; main.ts runs it, tests create it in-process. */
export function disputesService(config: DisputesConfig): ServiceDefinition<DisputesConfig> {
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Disputes API',
    imports: [
      MessagingModule.forRoot({ service: 'disputes', consume: { groupId: config.consumerGroup, topics: [TOPICS.ledger] } }),
      DisputesModule,
    ],
    beforeListen: connectEventBus,
  };
}
