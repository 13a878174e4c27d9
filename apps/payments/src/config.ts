import { CommonConfig, loadCommonConfig } from '@clinic/platform';

export type PaymentsConfig = CommonConfig;

export function loadPaymentsConfig(): PaymentsConfig {
  return loadCommonConfig('payments', 'PAYMENTS_PORT', 3003);
}
