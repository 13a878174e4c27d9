import { CommonConfig, env, loadCommonConfig } from '@clinic/platform';

export interface LedgerConfig extends CommonConfig {
  /** Default low-balance threshold (credits) of a clinic that has not set its own. */
  lowBalanceThreshold: number;
  /** How long a declined lead may wait for credit before it expires uncharged. */
  pendingWindowHours: number;
  /** How often waiting leads past the window are expired when no top-up comes (0 or absent = never). */
  expirySweepSeconds?: number;
  /** Kafka consumer group / embedded-log reader of the ledger (one per deployment). */
  consumerGroup?: string;
}

export function loadLedgerConfig(): LedgerConfig {
  return {
    ...loadCommonConfig('ledger', 'LEDGER_PORT', 3002),
    lowBalanceThreshold: env.int('LEDGER_LOW_BALANCE_THRESHOLD', { default: 500, min: 0, max: 1_000_000_000 }),
    pendingWindowHours: env.int('LEDGER_PENDING_WINDOW_HOURS', { default: 168, min: 1, max: 24 * 365 }),
    expirySweepSeconds: env.int('LEDGER_EXPIRY_SWEEP_SECONDS', { default: 300, min: 0, max: 86_400 }),
    consumerGroup: env.string('LEDGER_CONSUMER_GROUP', { default: 'ledger', pattern: /^[A-Za-z0-9._-]{1,100}$/ }),
  };
}
