import { PRICING_TABLES, priceLead, pricingTable } from './pricing';

const rupees = (value: number) => Math.round(value * 100);

describe('priceLead (pricing version 1)', () => {
  it.each([
    [0, 'T1', 100],
    [rupees(4_999.99), 'T1', 100],
    [rupees(5_000), 'T2', 150],
    [rupees(14_999.99), 'T2', 150],
    [rupees(15_000), 'T3', 200],
    [rupees(29_999.99), 'T3', 200],
    [rupees(30_000), 'T4', 300],
    [rupees(59_999.99), 'T4', 300],
    [rupees(60_000), 'T5', 400],
    [rupees(99_999.99), 'T5', 400],
    [rupees(100_000), 'T6', 500],
    [rupees(10_000_000), 'T6', 500],
  ])('%i paise is tier %s at %i credits', (paise, tier, credits) => {
    expect(priceLead(paise)).toEqual({ tier, credits, pricingVersion: 1 });
  });

  it('covers every price from 0 upwards without gaps or overlaps, in every version', () => {
    for (const version of Object.keys(PRICING_TABLES).map(Number)) {
      const table = pricingTable(version);
      expect(table[0].minPricePaise).toBe(0);
      for (let i = 1; i < table.length; i++) expect(table[i].minPricePaise).toBe((table[i - 1].maxPricePaise ?? NaN) + 1);
      expect(table[table.length - 1].maxPricePaise).toBeNull();
    }
  });

  it('refuses negative, fractional prices and unknown versions', () => {
    expect(() => priceLead(-1)).toThrow(RangeError);
    expect(() => priceLead(10.5)).toThrow(RangeError);
    expect(() => priceLead(100, 99)).toThrow('unknown pricing version 99');
  });
});
