import { ServiceDefinition } from '@clinic/platform';
import { DisputesConfig } from './config';
import { MIGRATIONS } from './migrations';

export const SCHEMA = 'disputes';

/** Everything that makes up the disputes service; main.ts runs it, tests create it in-process. */
export function disputesService(config: DisputesConfig): ServiceDefinition<DisputesConfig> {
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Disputes API',
    imports: [],
  };
}
