import { CommonConfig, loadCommonConfig } from '@clinic/platform';

export type DisputesConfig = CommonConfig;

export function loadDisputesConfig(): DisputesConfig {
  return loadCommonConfig('disputes', 'DISPUTES_PORT', 3004);
}
