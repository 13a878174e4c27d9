/**
 * The credit catalog: fixed packs and a custom amount at 1 credit per ₹1. Amounts and credits of
 * an order come from here only, never from the client. Pure: no framework, no I/O.
 */
export interface CreditPack {
  id: string;
  name: string;
  pricePaise: number;
  credits: number;
  bonusCredits: number;
}

export interface CreditCatalog {
  packs: CreditPack[];
  customAmount: { minPaise: number; maxPaise: number };
}

export const DEFAULT_CREDIT_PACKS: CreditPack[] = [
  { id: 'starter', name: 'Starter', pricePaise: 500_000, credits: 5_000, bonusCredits: 0 },
  { id: 'growth', name: 'Growth', pricePaise: 2_000_000, credits: 20_000, bonusCredits: 1_000 },
  { id: 'pro', name: 'Pro', pricePaise: 5_000_000, credits: 50_000, bonusCredits: 5_000 },
];

const PACK_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MAX_PAISE = 100_000_000_000;
const MAX_CREDITS = 1_000_000_000;
const isCount = (value: unknown, min: number, max: number): value is number => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

/** Parses the CREDIT_PACKS JSON; the error names the first bad entry and field. */
export function parseCreditPacks(text: string): { ok: true; packs: CreditPack[] } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'must be valid JSON: an array of {id, name, pricePaise, credits, bonusCredits?}' };
  }
  if (!Array.isArray(value) || value.length === 0) return { ok: false, error: 'must be a non-empty JSON array of packs' };
  const packs: CreditPack[] = [];
  for (const [index, entry] of value.entries()) {
    const at = `[${index}]`;
    if (typeof entry !== 'object' || entry === null) return { ok: false, error: `${at} must be an object` };
    const { id, name, pricePaise, credits, bonusCredits = 0 } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !PACK_ID.test(id)) return { ok: false, error: `${at}.id must be a lowercase slug (a-z, 0-9, _ or -)` };
    if (packs.some((pack) => pack.id === id)) return { ok: false, error: `${at}.id "${id}" is used twice` };
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) return { ok: false, error: `${at}.name must be a non-empty string` };
    if (!isCount(pricePaise, 100, MAX_PAISE)) return { ok: false, error: `${at}.pricePaise must be an integer number of paise, at least 100` };
    if (!isCount(credits, 1, MAX_CREDITS)) return { ok: false, error: `${at}.credits must be a positive integer` };
    if (!isCount(bonusCredits, 0, MAX_CREDITS)) return { ok: false, error: `${at}.bonusCredits must be a non-negative integer` };
    packs.push({ id, name: name.trim(), pricePaise, credits, bonusCredits });
  }
  return { ok: true, packs };
}

export interface PricedPurchase {
  packId: string | null;
  amountPaise: number;
  /** What the clinic receives: the pack's credits plus its bonus, or 1 per rupee for a custom amount. */
  credits: number;
}

export type PriceResult = { ok: true; purchase: PricedPurchase } | { ok: false; field: 'packId' | 'customAmountPaise'; reason: string };

/** Prices a purchase request: exactly one of a pack id or a custom amount in paise. */
export function pricePurchase(catalog: CreditCatalog, request: { packId?: string; customAmountPaise?: number }): PriceResult {
  const hasPack = request.packId !== undefined;
  const hasCustom = request.customAmountPaise !== undefined;
  if (hasPack === hasCustom) return { ok: false, field: 'packId', reason: 'give exactly one of packId or customAmountPaise' };
  if (hasPack) {
    const pack = catalog.packs.find((candidate) => candidate.id === request.packId);
    if (!pack) return { ok: false, field: 'packId', reason: `unknown credit pack (known: ${catalog.packs.map((candidate) => candidate.id).join(', ')})` };
    return { ok: true, purchase: { packId: pack.id, amountPaise: pack.pricePaise, credits: pack.credits + pack.bonusCredits } };
  }
  const amount = request.customAmountPaise as number;
  const { minPaise, maxPaise } = catalog.customAmount;
  if (!Number.isSafeInteger(amount) || amount % 100 !== 0) return { ok: false, field: 'customAmountPaise', reason: 'must be whole rupees (an integer multiple of 100 paise)' };
  if (amount < minPaise || amount > maxPaise) return { ok: false, field: 'customAmountPaise', reason: `must be from ${minPaise} to ${maxPaise} paise` };
  return { ok: true, purchase: { packId: null, amountPaise: amount, credits: amount / 100 } };
}
