import { CommonConfig, ConfigError, env, loadCommonConfig } from '@clinic/platform';
import { CreditCatalog, DEFAULT_CREDIT_PACKS, parseCreditPacks } from './credit-packs/catalog';

export interface RazorpayConfig {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** The simulator (or any Razorpay-compatible API); undefined means the real https://api.razorpay.com. */
  apiBaseUrl: string | undefined;
}

export interface PaymentsConfig extends CommonConfig {
  razorpay: RazorpayConfig;
  catalog: CreditCatalog;
  /** Requests per minute and client IP on public routes (the price list). */
  publicRateLimitPerMinute: number;
}

/**
 * Development defaults, shared with apps/razorpay-simulator: they only work against the
 * simulator and are refused in production (env.secret), where real keys must be set.
 */
export const DEV_RAZORPAY = {
  keyId: 'rzp_test_devsimulator',
  keySecret: 'dev-only-razorpay-key-secret',
  webhookSecret: 'dev-only-razorpay-webhook-secret',
} as const;

type Env = Record<string, string | undefined>;

export function loadRazorpayConfig(source: Env = process.env): RazorpayConfig {
  const keyId = env.optionalString('RAZORPAY_KEY_ID', source);
  if (keyId === undefined && source.NODE_ENV === 'production') throw new ConfigError('RAZORPAY_KEY_ID', 'is required in production');
  if (keyId !== undefined && !/^rzp_(test|live)_[A-Za-z0-9]+$/.test(keyId)) throw new ConfigError('RAZORPAY_KEY_ID', 'must look like rzp_test_... or rzp_live_...');
  return {
    keyId: keyId ?? DEV_RAZORPAY.keyId,
    keySecret: env.secret('RAZORPAY_KEY_SECRET', DEV_RAZORPAY.keySecret, source),
    webhookSecret: env.secret('RAZORPAY_WEBHOOK_SECRET', DEV_RAZORPAY.webhookSecret, source),
    apiBaseUrl: env.url('RAZORPAY_API_BASE_URL', ['http', 'https'], { optional: true, source }),
  };
}

export function loadCreditCatalog(source: Env = process.env): CreditCatalog {
  const text = env.optionalString('CREDIT_PACKS', source);
  let packs = DEFAULT_CREDIT_PACKS;
  if (text !== undefined) {
    const parsed = parseCreditPacks(text);
    if (!parsed.ok) throw new ConfigError('CREDIT_PACKS', parsed.error);
    packs = parsed.packs;
  }
  // ₹1,000 .. ₹500,000 by default; whole rupees, since a custom amount buys 1 credit per ₹1.
  const minPaise = env.int('CUSTOM_AMOUNT_MIN_PAISE', { default: 100_000, min: 100, max: 100_000_000_000, source });
  const maxPaise = env.int('CUSTOM_AMOUNT_MAX_PAISE', { default: 50_000_000, min: 100, max: 100_000_000_000, source });
  if (minPaise % 100 !== 0) throw new ConfigError('CUSTOM_AMOUNT_MIN_PAISE', 'must be whole rupees (a multiple of 100 paise)');
  if (maxPaise % 100 !== 0) throw new ConfigError('CUSTOM_AMOUNT_MAX_PAISE', 'must be whole rupees (a multiple of 100 paise)');
  if (maxPaise < minPaise) throw new ConfigError('CUSTOM_AMOUNT_MAX_PAISE', `must be at least CUSTOM_AMOUNT_MIN_PAISE (${minPaise})`);
  return { packs, customAmount: { minPaise, maxPaise } };
}

export function loadPaymentsConfig(source: Env = process.env): PaymentsConfig {
  return {
    ...loadCommonConfig('payments', 'PAYMENTS_PORT', 3003),
    razorpay: loadRazorpayConfig(source),
    catalog: loadCreditCatalog(source),
    publicRateLimitPerMinute: env.int('PUBLIC_RATE_LIMIT_PER_MINUTE', { default: 120, min: 1, max: 1_000_000, source }),
  };
}
