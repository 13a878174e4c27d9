import { ServiceDefinition } from '@clinic/platform';
import { PaymentsConfig } from './config';
import { MIGRATIONS } from './migrations';

export const SCHEMA = 'payments';

/** Everything that makes up the payments service; main.ts runs it, tests create it in-process. */
export function paymentsService(config: PaymentsConfig): ServiceDefinition<PaymentsConfig> {
  return {
    config,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    title: 'Payments API',
    imports: [],
  };
}
