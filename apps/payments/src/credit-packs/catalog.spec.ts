import { ConfigError } from '@clinic/platform';
import { loadCreditCatalog, loadRazorpayConfig } from '../config';
import { DEFAULT_CREDIT_PACKS, parseCreditPacks, pricePurchase } from './catalog';

const catalog = { packs: DEFAULT_CREDIT_PACKS, customAmount: { minPaise: 100_000, maxPaise: 50_000_000 } };

describe('pricePurchase', () => {
  it('prices a pack as its price with credits plus bonus', () => {
    expect(pricePurchase(catalog, { packId: 'growth' })).toEqual({ ok: true, purchase: { packId: 'growth', amountPaise: 2_000_000, credits: 21_000 } });
  });

  it('prices a custom amount at 1 credit per rupee, whole rupees within bounds', () => {
    expect(pricePurchase(catalog, { customAmountPaise: 100_000 })).toEqual({ ok: true, purchase: { packId: null, amountPaise: 100_000, credits: 1_000 } });
    expect(pricePurchase(catalog, { customAmountPaise: 50_000_000 })).toMatchObject({ ok: true, purchase: { credits: 500_000 } });
    expect(pricePurchase(catalog, { customAmountPaise: 99_900 })).toMatchObject({ ok: false, field: 'customAmountPaise' });
    expect(pricePurchase(catalog, { customAmountPaise: 50_000_100 })).toMatchObject({ ok: false, field: 'customAmountPaise' });
    expect(pricePurchase(catalog, { customAmountPaise: 100_050 })).toMatchObject({ ok: false, field: 'customAmountPaise', reason: expect.stringContaining('whole rupees') });
  });

  it('needs exactly one of packId or customAmountPaise, and a known pack', () => {
    expect(pricePurchase(catalog, {})).toMatchObject({ ok: false, field: 'packId' });
    expect(pricePurchase(catalog, { packId: 'pro', customAmountPaise: 100_000 })).toMatchObject({ ok: false, field: 'packId' });
    expect(pricePurchase(catalog, { packId: 'gold' })).toMatchObject({ ok: false, field: 'packId', reason: expect.stringContaining('starter, growth, pro') });
  });
});

describe('credit pack configuration', () => {
  it('uses the defaults when CREDIT_PACKS is unset and parses a valid one', () => {
    expect(loadCreditCatalog({}).packs).toEqual(DEFAULT_CREDIT_PACKS);
    const packs = loadCreditCatalog({ CREDIT_PACKS: '[{"id":"mini","name":"Mini","pricePaise":100000,"credits":1000}]' }).packs;
    expect(packs).toEqual([{ id: 'mini', name: 'Mini', pricePaise: 100_000, credits: 1_000, bonusCredits: 0 }]);
  });

  it.each([
    ['{not json', /CREDIT_PACKS must be valid JSON/],
    ['[]', /CREDIT_PACKS must be a non-empty JSON array/],
    ['[{"id":"a","name":"A","pricePaise":10.5,"credits":1}]', /CREDIT_PACKS \[0\]\.pricePaise/],
    ['[{"id":"a","name":"A","pricePaise":1000,"credits":1},{"id":"a","name":"B","pricePaise":1000,"credits":1}]', /CREDIT_PACKS \[1\]\.id "a" is used twice/],
    ['[{"id":"a","name":"A","pricePaise":1000,"credits":1,"bonusCredits":-1}]', /CREDIT_PACKS \[0\]\.bonusCredits/],
  ])('refuses %s with one line naming CREDIT_PACKS', (text, message) => {
    expect(() => loadCreditCatalog({ CREDIT_PACKS: text })).toThrow(ConfigError);
    expect(() => loadCreditCatalog({ CREDIT_PACKS: text })).toThrow(message);
    expect(parseCreditPacks(text).ok).toBe(false);
  });

  it('checks the custom amount bounds', () => {
    expect(() => loadCreditCatalog({ CUSTOM_AMOUNT_MIN_PAISE: '100050' })).toThrow(/CUSTOM_AMOUNT_MIN_PAISE/);
    expect(() => loadCreditCatalog({ CUSTOM_AMOUNT_MIN_PAISE: '500000', CUSTOM_AMOUNT_MAX_PAISE: '100000' })).toThrow(/CUSTOM_AMOUNT_MAX_PAISE/);
  });
});

describe('Razorpay configuration', () => {
  it('falls back to clearly marked dev keys outside production and refuses them in production', () => {
    expect(loadRazorpayConfig({})).toMatchObject({ keyId: 'rzp_test_devsimulator', apiBaseUrl: undefined });
    expect(() => loadRazorpayConfig({ NODE_ENV: 'production' })).toThrow(/RAZORPAY_KEY_ID is required in production/);
    expect(() => loadRazorpayConfig({ NODE_ENV: 'production', RAZORPAY_KEY_ID: 'rzp_live_abc123' })).toThrow(/RAZORPAY_KEY_SECRET is required in production/);
    expect(() => loadRazorpayConfig({ RAZORPAY_KEY_ID: 'not-a-key' })).toThrow(/RAZORPAY_KEY_ID must look like/);
    expect(() => loadRazorpayConfig({ RAZORPAY_API_BASE_URL: 'ftp://x' })).toThrow(/RAZORPAY_API_BASE_URL/);
  });
});
