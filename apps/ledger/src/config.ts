import { CommonConfig, loadCommonConfig } from '@clinic/platform';

export type LedgerConfig = CommonConfig;

export function loadLedgerConfig(): LedgerConfig {
  return loadCommonConfig('ledger', 'LEDGER_PORT', 3002);
}
