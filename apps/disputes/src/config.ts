import { CommonConfig, env, loadCommonConfig } from '@clinic/platform';

export interface DisputesConfig extends CommonConfig {
  /** How many days after a charge the clinic may still dispute the lead. */
  disputeWindowDays: number;
  /** The consumer group reading ledger.v1; separate groups let parallel test systems share one broker. */
  consumerGroup: string;
}

export function loadDisputesConfig(): DisputesConfig {
  return {
    ...loadCommonConfig('disputes', 'DISPUTES_PORT', 3004),
    disputeWindowDays: env.int('DISPUTES_WINDOW_DAYS', { default: 7, min: 1, max: 365 }),
    consumerGroup: env.string('DISPUTES_CONSUMER_GROUP', { default: 'disputes', pattern: /^[A-Za-z0-9._-]{1,100}$/ }),
  };
}
