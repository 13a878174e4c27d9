import { CommonConfig, loadCommonConfig } from '@clinic/platform';

export type LeadIntakeConfig = CommonConfig;

export function loadLeadIntakeConfig(): LeadIntakeConfig {
  return loadCommonConfig('lead-intake', 'LEAD_INTAKE_PORT', 3001);
}
