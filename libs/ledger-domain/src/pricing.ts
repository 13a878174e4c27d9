/**
 * Lead pricing: a pure, versioned function of the package price. A charge records the tier,
 * the credits and the pricing version it used, so replaying the stream never depends on
 * whatever the price table says today.
 */
export type TierId = 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T6';

export interface PricingTier {
  tier: TierId;
  /** Lowest package price in this tier, in paise (inclusive). */
  minPricePaise: number;
  /** Highest package price in this tier, in paise (inclusive); null = no upper bound. */
  maxPricePaise: number | null;
  /** What a lead for such a package costs, in credits. */
  credits: number;
}

export interface LeadPrice {
  tier: TierId;
  credits: number;
  pricingVersion: number;
}

const RUPEE = 100; // paise

/** Every price table ever used, by version. Add a new version; never edit an old one. */
export const PRICING_TABLES: Readonly<Record<number, readonly PricingTier[]>> = Object.freeze({
  1: Object.freeze([
    { tier: 'T1', minPricePaise: 0, maxPricePaise: 5_000 * RUPEE - 1, credits: 100 },
    { tier: 'T2', minPricePaise: 5_000 * RUPEE, maxPricePaise: 15_000 * RUPEE - 1, credits: 150 },
    { tier: 'T3', minPricePaise: 15_000 * RUPEE, maxPricePaise: 30_000 * RUPEE - 1, credits: 200 },
    { tier: 'T4', minPricePaise: 30_000 * RUPEE, maxPricePaise: 60_000 * RUPEE - 1, credits: 300 },
    { tier: 'T5', minPricePaise: 60_000 * RUPEE, maxPricePaise: 100_000 * RUPEE - 1, credits: 400 },
    { tier: 'T6', minPricePaise: 100_000 * RUPEE, maxPricePaise: null, credits: 500 },
  ] as const satisfies readonly PricingTier[]),
});

export const CURRENT_PRICING_VERSION = 1;

export function pricingTable(version: number = CURRENT_PRICING_VERSION): readonly PricingTier[] {
  const table = PRICING_TABLES[version];
  if (!table) throw new RangeError(`unknown pricing version ${version}`);
  return table;
}

/** The tier and credit cost of a lead for a package priced at `packagePricePaise`. */
export function priceLead(packagePricePaise: number, version: number = CURRENT_PRICING_VERSION): LeadPrice {
  if (!Number.isSafeInteger(packagePricePaise) || packagePricePaise < 0) {
    throw new RangeError(`packagePricePaise must be a non-negative integer (got ${packagePricePaise})`);
  }
  const tier = pricingTable(version).find(
    (candidate) => packagePricePaise >= candidate.minPricePaise && (candidate.maxPricePaise === null || packagePricePaise <= candidate.maxPricePaise),
  );
  // The tables cover 0..∞ without gaps (a unit test checks it), so a tier is always found.
  if (!tier) throw new RangeError(`no tier for ${packagePricePaise} paise in pricing version ${version}`);
  return { tier: tier.tier, credits: tier.credits, pricingVersion: version };
}
