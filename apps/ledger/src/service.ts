import { ServiceDefinition } from '@clinic/platform';
import { LedgerConfig } from './config';
import { MIGRATIONS } from './migrations';

export const SCHEMA = 'ledger';

/** Everything that makes up the ledger service; main.ts runs it, tests create it in-process. */
export function ledgerService(config: LedgerConfig): ServiceDefinition<LedgerConfig> {
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Credit ledger API',
    imports: [],
  };
}
