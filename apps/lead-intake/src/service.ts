import { ServiceDefinition } from '@clinic/platform';
import { LeadIntakeConfig } from './config';
import { MIGRATIONS } from './migrations';

export const SCHEMA = 'lead_intake';

/** Everything that makes up the lead-intake service; main.ts runs it, tests create it in-process. */
export function leadIntakeService(config: LeadIntakeConfig): ServiceDefinition<LeadIntakeConfig> {
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Lead intake API',
    imports: [],
  };
}
