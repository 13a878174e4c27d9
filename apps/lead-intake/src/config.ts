import { CommonConfig, env, loadCommonConfig } from '@clinic/platform';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** What lead intake reads beyond the common settings; every value has a default. */
export interface LeadIntakeSettings {
  /** POST /contact-clinic submissions per client IP per window. */
  contactLimitPerIp: RateLimit;
  /** POST /contact-clinic submissions per phone number per window. */
  contactLimitPerPhone: RateLimit;
  /** The same phone at the same clinic within this many days is a duplicate, not charged. */
  duplicateWindowDays: number;
  /**
   * Express "trust proxy": which hops may set X-Forwarded-For, so the per-IP limit sees the
   * patient's address behind a load balancer. false = use the socket address.
   */
  trustProxy: boolean | number | string;
  /** Consumer group on marketplace.leads.v1 and ledger.v1; one group per deployment of this service. */
  consumerGroup: string;
}

export type LeadIntakeConfig = CommonConfig & LeadIntakeSettings;

export const DEFAULT_SETTINGS: LeadIntakeSettings = {
  contactLimitPerIp: { limit: 10, windowSeconds: 60 },
  contactLimitPerPhone: { limit: 3, windowSeconds: 3600 },
  duplicateWindowDays: 30,
  trustProxy: false,
  consumerGroup: 'lead-intake',
};

function trustProxy(): boolean | number | string {
  const text = env.optionalString('TRUST_PROXY');
  if (text === undefined) return DEFAULT_SETTINGS.trustProxy;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return env.string('TRUST_PROXY', { pattern: /^[A-Za-z0-9.:/,\s]+$/ });
}

export function loadLeadIntakeConfig(): LeadIntakeConfig {
  return {
    ...loadCommonConfig('lead-intake', 'LEAD_INTAKE_PORT', 3001),
    contactLimitPerIp: {
      limit: env.int('CONTACT_LIMIT_PER_IP', { default: 10, min: 1, max: 1_000_000 }),
      windowSeconds: env.int('CONTACT_LIMIT_PER_IP_WINDOW_SECONDS', { default: 60, min: 1, max: 86_400 }),
    },
    contactLimitPerPhone: {
      limit: env.int('CONTACT_LIMIT_PER_PHONE', { default: 3, min: 1, max: 1_000_000 }),
      windowSeconds: env.int('CONTACT_LIMIT_PER_PHONE_WINDOW_SECONDS', { default: 3600, min: 1, max: 7 * 86_400 }),
    },
    duplicateWindowDays: env.int('DUPLICATE_LEAD_WINDOW_DAYS', { default: 30, min: 0, max: 365 }),
    trustProxy: trustProxy(),
    consumerGroup: env.string('LEAD_INTAKE_CONSUMER_GROUP', { default: DEFAULT_SETTINGS.consumerGroup, pattern: /^[A-Za-z0-9._-]{1,100}$/ }),
  };
}

/** Fills lead-intake settings a caller left out (e.g. an e2e test that only has CommonConfig). */
export function withDefaults(config: CommonConfig & Partial<LeadIntakeSettings>): LeadIntakeConfig {
  return { ...DEFAULT_SETTINGS, ...config };
}
